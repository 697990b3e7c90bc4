package parquetgen

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/thrift/lib/go/thrift"
)

// Parquet page types (parquet.thrift PageType).
const (
	PageData       = 0
	PageDictionary = 2
	PageDataV2     = 3
)

// Page is one page of a Parquet file: where its header and payload lie, and where the
// header's i32 fields are encoded (keyed by thrift field path: "1" is the page type, "2" the
// uncompressed size, "3" the compressed size, "5.1"/"7.1"/"8.1" the data, dictionary and v2
// data page's num_values).
type Page struct {
	RowGroup, Column int
	Offset           int64
	HeaderLen        int
	PayloadLen       int
	Type             int32
	Fields           map[string]Span
}

// Span is where one varint lies in the file.
type Span struct {
	Off int64
	Len int
}

// Payload is the offset of the page's first payload byte.
func (p Page) Payload() int64 { return p.Offset + int64(p.HeaderLen) }

// Pages lists every page of every column chunk, using the footer to find the chunks.
func Pages(data []byte) ([]Page, error) {
	rdr, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	md := rdr.MetaData()
	var pages []Page
	for rg := 0; rg < md.NumRowGroups(); rg++ {
		for col := 0; col < md.Schema.NumColumns(); col++ {
			cc, err := md.RowGroup(rg).ColumnChunk(col)
			if err != nil {
				return nil, err
			}
			pos := cc.DataPageOffset()
			if cc.HasDictionaryPage() {
				pos = cc.DictionaryPageOffset()
			}
			for end := pos + cc.TotalCompressedSize(); pos < end; {
				p, err := parsePageHeader(data, pos)
				if err != nil {
					return nil, fmt.Errorf("row group %d column %d at %d: %w", rg, col, pos, err)
				}
				p.RowGroup, p.Column = rg, col
				pages = append(pages, p)
				pos = p.Payload() + int64(p.PayloadLen)
			}
		}
	}
	return pages, nil
}

func parsePageHeader(data []byte, off int64) (Page, error) {
	buf := &thrift.TMemoryBuffer{Buffer: bytes.NewBuffer(data[off:])}
	pos := func() int64 { return off + int64(len(data[off:])-buf.Len()) }
	proto := thrift.NewTCompactProtocolConf(buf, nil)
	p := Page{Offset: off, Fields: map[string]Span{}}
	if err := walkStruct(proto, pos, "", p.Fields); err != nil {
		return p, err
	}
	p.HeaderLen = int(pos() - off)
	p.Type = int32(I32At(data, p.Fields["1"]))
	p.PayloadLen = int(I32At(data, p.Fields["3"]))
	return p, nil
}

// walkStruct records the span of every i32 field of a compact-protocol struct, recursively.
func walkStruct(p *thrift.TCompactProtocol, pos func() int64, path string, spans map[string]Span) error {
	ctx := context.Background()
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return err
	}
	for {
		_, typ, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return err
		}
		if typ == thrift.STOP {
			break
		}
		key := path + strconv.Itoa(int(id))
		switch typ {
		case thrift.I32:
			start := pos()
			if _, err := p.ReadI32(ctx); err != nil {
				return err
			}
			spans[key] = Span{Off: start, Len: int(pos() - start)}
		case thrift.STRUCT:
			if err := walkStruct(p, pos, key+".", spans); err != nil {
				return err
			}
		default:
			if err := p.Skip(ctx, typ); err != nil {
				return err
			}
		}
		if err := p.ReadFieldEnd(ctx); err != nil {
			return err
		}
	}
	return p.ReadStructEnd(ctx)
}

// I32At decodes the zigzag varint at s.
func I32At(data []byte, s Span) int64 {
	var u uint64
	for i := 0; i < s.Len; i++ {
		u |= uint64(data[s.Off+int64(i)]&0x7f) << (7 * i)
	}
	return int64(u>>1) ^ -int64(u&1)
}

// SetI32At re-encodes the varint at s as v, if v encodes in exactly s.Len bytes.
func SetI32At(data []byte, s Span, v int64) bool {
	u := uint64((v << 1) ^ (v >> 63))
	enc := []byte{}
	for {
		b := byte(u & 0x7f)
		u >>= 7
		if u == 0 {
			enc = append(enc, b)
			break
		}
		enc = append(enc, b|0x80)
	}
	if len(enc) != s.Len {
		return false
	}
	copy(data[s.Off:], enc)
	return true
}
