package parquetread

import (
	"encoding/binary"
	"io"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// The one decoding buffer the footer cannot bound: a column chunk's dictionary page. Writers
// check their dictionary size limit (1 MiB by default) only between batches of values, so one
// batch of wide values can make a dictionary page of any size (the decompression bomb of
// BENCHMARKS.md holds a 117 MB one in a 15 KB object), and the page is decompressed whole and
// then decoded into a dictionary of about its size. Before the decoder reaches a row group, the
// sync reads its dictionary pages' headers and reserves what the dictionaries really need
// (dictionary_budget.go).

// dictionaryExtraBytes is what decoding row group rg's dictionaries needs beyond the read
// plan's estimate (pageBytesEstimate for the page and for the decoded dictionary of each
// column): the page and the decoded dictionary, for each dictionary page larger than twice the
// estimate. Headers that cannot be read count nothing (the decoder reports them).
func dictionaryExtraBytes(md *metadata.FileMetaData, rg int, read func(p []byte, off int64) int) int64 {
	g := md.RowGroup(rg)
	var extra int64
	for c := 0; c < g.NumColumns(); c++ {
		cc, err := g.ColumnChunk(c)
		if err != nil || !cc.HasDictionaryPage() || cc.DictionaryPageOffset() < 0 {
			continue
		}
		off := cc.DictionaryPageOffset()
		if off == 0 || off > cc.DataPageOffset() {
			off = cc.DataPageOffset() // some writers leave the offset 0 and put the page first
		}
		var header [32]byte
		// Writers overshoot their 1 MiB limit by up to one batch of values: only a page
		// beyond twice the estimate is reserved again (the few such objects then wait for
		// the budget with their fetched bytes held outside it).
		if size, ok := pageUncompressedSize(header[:read(header[:], off)]); ok && size > 2*pageBytesEstimate {
			extra += 2 * (size - pageBytesEstimate)
		}
	}
	return extra
}

// pageUncompressedSize reads uncompressed_page_size from the start of a Thrift-compact
// PageHeader: field 1 (type), then field 2, both i32, as every writer orders them.
func pageUncompressedSize(b []byte) (int64, bool) {
	const compactI32 = 5
	field := 0
	for range 2 {
		if len(b) == 0 || b[0]&0x0f != compactI32 || b[0]>>4 == 0 {
			return 0, false
		}
		field += int(b[0] >> 4)
		u, n := binary.Uvarint(b[1:])
		if n <= 0 {
			return 0, false
		}
		b = b[1+n:]
		if v := int64(u>>1) ^ -int64(u&1); field == 2 {
			return v, v >= 0
		}
	}
	return 0, false
}

// dictionaryRowBytes bounds what one row of row group rg decodes to from its
// dictionary-encoded byte-array values, which the footer does not tell: a data page of a few
// bytes of indices can stand for one 260 KB value repeated on every row (issue #28: 16 objects
// of 15 KB took 2.2 GB). For each column chunk with a dictionary page it reads the page
// (through pages, a second reader sharing the footer) and takes its longest value plus an
// offset, times the chunk's values per row, summed over the columns.
// A page it cannot read counts as one value of the page's whole size.
func dictionaryRowBytes(pages *file.Reader, rg int) int64 {
	g := pages.MetaData().RowGroup(rg)
	var row int64
	for c := 0; c < g.NumColumns(); c++ {
		cc, err := g.ColumnChunk(c)
		if err != nil || !cc.HasDictionaryPage() || cc.Type() != parquet.Types.ByteArray || g.NumRows() <= 0 {
			continue
		}
		perRow := max((cc.NumValues()+g.NumRows()-1)/g.NumRows(), 1)
		row += perRow * (longestDictionaryValue(pages, rg, c) + 4)
	}
	return row
}

// longestDictionaryValue is the longest value of the PLAIN dictionary page starting column
// chunk c of row group rg, or the page's size when it cannot be read.
func longestDictionaryValue(r *file.Reader, rg, c int) (longest int64) {
	defer func() {
		if recover() != nil {
			longest = 0
		}
	}()
	pr, err := r.RowGroup(rg).GetColumnPageReader(c)
	if err != nil || !pr.Next() {
		return 0
	}
	dp, ok := pr.Page().(*file.DictionaryPage)
	if !ok {
		return 0
	}
	data := dp.Data()
	if e := parquet.Encoding(dp.Encoding()); e != parquet.Encodings.Plain && e != parquet.Encodings.PlainDict {
		return int64(len(data))
	}
	for len(data) >= 4 {
		n := int64(binary.LittleEndian.Uint32(data))
		if n > int64(len(data)-4) {
			return int64(len(dp.Data()))
		}
		longest = max(longest, n)
		data = data[4+n:]
	}
	return longest
}

// peekReader reads an object's bytes through read (objectReader.peekOrFetch).
type peekReader struct {
	peek func(p []byte, off int64) int
	size int64
	pos  int64
}

func (r peekReader) ReadAt(p []byte, off int64) (int, error) {
	if n := r.peek(p, off); n < len(p) {
		return n, io.ErrUnexpectedEOF
	}
	return len(p), nil
}

func (r peekReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.size
	}
	return offset, nil
}
