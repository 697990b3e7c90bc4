package parquetread

import (
	"context"
	"fmt"
	"hash/crc32"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/thrift/lib/go/thrift"
	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
)

// Parquet pages may carry a CRC32 of their bytes after the header (PageHeader.crc, field 4);
// arrow-go v18 neither writes nor checks it, so a corrupt page decodes to wrong values. Every
// page that carries a CRC is checked, and a mismatch is a content error (skip, or fail under
// spec.strict) naming the object. An object fetched whole is checked before it is decoded, from
// its bytes in memory; an object read in ranges as the decoder reads each column chunk
// (streamChecksums), so a corrupt page fails the read that completes it, before it is decoded.

// maxPageHeaderBytes bounds the header read of one page; a larger header (huge statistics)
// leaves its chunk unchecked.
const maxPageHeaderBytes = 64 << 10

// verifyPageChecksums checks every page with a CRC in pf's column chunks, read through peek.
func verifyPageChecksums(pf *file.Reader, peek func(p []byte, off int64) int) error {
	md := pf.MetaData()
	for rg := 0; rg < md.NumRowGroups(); rg++ {
		g := md.RowGroup(rg)
		for c := 0; c < g.NumColumns(); c++ {
			cc, err := g.ColumnChunk(c)
			if err != nil {
				continue
			}
			start := chunkStart(cc)
			if err := verifyChunkPages(peek, start, start+cc.TotalCompressedSize()); err != nil {
				return Skippable("page checksum mismatch", fmt.Errorf("row group %d, column %s: %w", rg, bounded.Quoted(cc.PathInSchema().String()), err))
			}
		}
	}
	return nil
}

// verifyChunkPages walks the pages in [start, end) and checks those with a CRC, skipping the
// payloads of the others. Bytes it cannot parse end the walk without an error: the decoder
// reports them.
func verifyChunkPages(peek func(p []byte, off int64) int, start, end int64) error {
	w := &pageWalk{pos: start, end: end}
	piece := make([]byte, 64<<10)
	for w.pos < end && !w.abandoned {
		if w.left > 0 && !w.hasCRC {
			w.pos += w.left
			w.left = 0
			continue
		}
		want := int64(len(piece))
		if w.left == 0 && len(w.header) == 0 {
			want = 512 // most headers are a few dozen bytes
		}
		got := peek(piece[:min(want, end-w.pos)], w.pos)
		if got == 0 {
			return nil // not in memory
		}
		if err := w.feed(piece[:got]); err != nil {
			return err
		}
	}
	return nil
}

// pageWalk checks the pages of one column chunk [pos, end) from its bytes fed in order.
type pageWalk struct {
	pos, end  int64
	abandoned bool // bytes that are not a page header: the rest is the decoder's to report

	header []byte // the current page's header bytes so far (left == 0)
	// the current page's payload: where it started, bytes still to come, CRC so far and expected
	page   int64
	left   int64
	hasCRC bool
	sum    uint32
	crc    uint32
}

// feed takes the chunk's next bytes, from pos; a page whose CRC does not match is an error.
func (w *pageWalk) feed(b []byte) error {
	b = b[:min(int64(len(b)), w.end-w.pos)]
	for len(b) > 0 && !w.abandoned {
		if w.left == 0 {
			from := len(w.header)
			w.header = append(w.header, b[:min(len(b), maxPageHeaderBytes-from)]...)
			size, crc, hasCRC, n, ok := parsePageHeader(w.header)
			switch {
			case ok && size < 0, !ok && len(w.header) >= maxPageHeaderBytes:
				w.abandoned = true
				return nil
			case !ok:
				w.pos += int64(len(w.header) - from)
				return nil // the header continues in the next bytes
			}
			used := n - from
			w.page, w.left, w.hasCRC, w.sum, w.crc = w.pos-int64(from), int64(size), hasCRC, 0, uint32(crc)
			w.header = w.header[:0]
			w.pos += int64(used)
			b = b[used:]
			if w.left == 0 {
				continue // an empty page
			}
		}
		k := min(int64(len(b)), w.left)
		if w.hasCRC {
			w.sum = crc32.Update(w.sum, crc32.IEEETable, b[:k])
		}
		w.pos, w.left, b = w.pos+k, w.left-k, b[k:]
		if w.left == 0 && w.hasCRC && w.sum != w.crc {
			return fmt.Errorf("the page at byte %d has CRC32 %08x, its header says %08x", w.page, w.sum, w.crc)
		}
	}
	return nil
}

// parsePageHeader reads a Thrift-compact PageHeader: compressed_page_size (field 3), crc
// (field 4, optional) and the header's length.
func parsePageHeader(b []byte) (size, crc int32, hasCRC bool, n int, ok bool) {
	buf := thrift.NewTMemoryBufferLen(len(b))
	_, _ = buf.Write(b)
	p := thrift.NewTCompactProtocolConf(buf, &thrift.TConfiguration{})
	ctx := context.Background()
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return 0, 0, false, 0, false
	}
	var haveSize bool
	for {
		_, typ, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return 0, 0, false, 0, false
		}
		if typ == thrift.STOP {
			break
		}
		switch {
		case id == 3 && typ == thrift.I32:
			size, err = p.ReadI32(ctx)
			haveSize = true
		case id == 4 && typ == thrift.I32:
			crc, err = p.ReadI32(ctx)
			hasCRC = true
		default:
			err = p.Skip(ctx, typ)
		}
		if err != nil {
			return 0, 0, false, 0, false
		}
	}
	return size, crc, hasCRC, len(b) - buf.Len(), haveSize
}
