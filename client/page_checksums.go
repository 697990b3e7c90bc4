package client

import (
	"context"
	"fmt"
	"hash/crc32"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/thrift/lib/go/thrift"
	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
)

// Parquet pages may carry a CRC32 of their bytes after the header (PageHeader.crc, field 4);
// arrow-go v18 neither writes nor checks it, so a corrupt page decodes to wrong values. An
// object fetched whole has its bytes in memory before decoding: every page that carries a CRC
// is checked first, and a mismatch is a content error (skip, or fail under spec.strict).
// Objects read in ranges are not checked (their pages arrive while they are decoded).

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
				return skippable("page checksum mismatch", fmt.Errorf("row group %d, column %s: %w", rg, bounded.Quoted(cc.PathInSchema().String()), err))
			}
		}
	}
	return nil
}

// verifyChunkPages walks the pages in [start, end) and checks those with a CRC. Bytes it cannot
// parse end the walk without an error: the decoder reports them.
func verifyChunkPages(peek func(p []byte, off int64) int, start, end int64) error {
	header := make([]byte, maxPageHeaderBytes)
	piece := make([]byte, 64<<10)
	for pos := start; pos < end; {
		var size, crc int32
		var hasCRC, ok bool
		var n int
		for _, try := range []int64{512, maxPageHeaderBytes} { // most headers are a few dozen bytes
			h := header[:peek(header[:min(try, end-pos)], pos)]
			if size, crc, hasCRC, n, ok = parsePageHeader(h); ok {
				break
			}
		}
		if !ok || size < 0 {
			return nil
		}
		payload := pos + int64(n)
		if hasCRC {
			sum := uint32(0)
			for off := payload; off < payload+int64(size); {
				got := peek(piece[:min(int64(len(piece)), payload+int64(size)-off)], off)
				if got == 0 {
					return nil // not in memory
				}
				sum = crc32.Update(sum, crc32.IEEETable, piece[:got])
				off += int64(got)
			}
			if sum != uint32(crc) {
				return fmt.Errorf("the page at byte %d has CRC32 %08x, its header says %08x", pos, sum, uint32(crc))
			}
		}
		pos = payload + int64(size)
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
