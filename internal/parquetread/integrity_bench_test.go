package parquetread

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// BenchmarkIntegrity compares, on one object fetched whole (300,000 rows, snappy, dictionary,
// 3.3 MB), what the integrity checks cost (the MD5 of the object against its ETag, and the walk
// of its page headers for CRCs) with decoding it (go test -run '^$' -bench Integrity ./internal/parquetread).
// arrow-go writes no CRCs, so "crc" checks as many bytes of 1 MiB pages that carry one, read in
// 64 KiB pieces as an object read in ranges is: what checking this object would cost if every
// page carried a CRC.
func BenchmarkIntegrity(b *testing.B) {
	data, err := parquetgen.Write(parquetgen.Rows(0, 300_000), parquetgen.Layout{Codec: compress.Codecs.Snappy, Dictionary: true, RowGroupRows: 100_000, PageBytes: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	sum := md5.Sum(data)
	obj := &s3store.Object{Key: "k", Size: int64(len(data)), ETag: `"` + hex.EncodeToString(sum[:]) + `"`}
	peek := func(p []byte, off int64) int { return copy(p, data[min(off, int64(len(data))):]) }
	b.Run("checks", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		pf, err := openParquet(bytes.NewReader(data), nil) // the sync has it open anyway
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := s3store.VerifyWholeObject(obj, data); err != nil {
				b.Fatal(err)
			}
			if err := verifyPageChecksums(pf, peek); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("crc", func(b *testing.B) {
		var chunk []byte
		for len(chunk) < len(data) {
			chunk = append(chunk, page(b, bytes.Repeat([]byte{byte(len(chunk))}, 1<<20), true)...)
		}
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			s := newStreamChecksums([]columnChunk{{byteRange: byteRange{0, int64(len(chunk))}}})
			for off := 0; off < len(chunk); off += 64 << 10 {
				if err := s.read(chunk[off:min(off+64<<10, len(chunk))], int64(off)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			pf, err := openParquet(bytes.NewReader(data), newPageBuffers(64<<20))
			if err != nil {
				b.Fatal(err)
			}
			if err := decodeRecords(context.Background(), pf, batchSize{rows: decodeBatchRows}, func(arrow.RecordBatch) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
