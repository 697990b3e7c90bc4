package client

import (
	"encoding/binary"

	"github.com/apache/arrow-go/v18/parquet/file"
)

// The one decoding buffer the footer cannot bound: a column chunk's dictionary page. Writers
// check their dictionary size limit (1 MiB by default) only between batches of values, so one
// batch of wide values can make a dictionary page of any size (the decompression bomb of
// BENCHMARKS.md holds a 117 MB one in a 15 KB object), and the page is decompressed whole and
// then decoded into a dictionary of about its size. For an object fetched whole, the sync reads
// each dictionary page's header from the bytes in memory before decoding and reserves what
// the dictionaries really need.

// dictionaryExtraBytes is what decoding pf's dictionaries needs beyond the read plan's estimate
// (pageBytesEstimate for the page and for the decoded dictionary of each column), for the row
// group that needs most: the page and the decoded dictionary, for each dictionary page larger
// than twice the estimate. Headers that cannot be read count nothing (the decoder reports them).
func dictionaryExtraBytes(pf *file.Reader, peek func(p []byte, off int64) int) int64 {
	var most int64
	md := pf.MetaData()
	for rg := 0; rg < md.NumRowGroups(); rg++ {
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
			if size, ok := pageUncompressedSize(header[:peek(header[:], off)]); ok && size > 2*pageBytesEstimate {
				extra += 2 * (size - pageBytesEstimate)
			}
		}
		most = max(most, extra)
	}
	return most
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
