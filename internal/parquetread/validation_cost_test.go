package parquetread

import (
	"bytes"
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// What "validate first" would cost: decoding an object once to check it, then again to send
// it, against decoding it once (the plugin's choice). Reading from memory, so this is decode
// CPU only; against S3 the first pass would also read every byte of the object a second time.
//
//	go test -run '^$' -bench 'Decode' -benchtime 10x ./internal/parquetread

func benchObject(b *testing.B) []byte {
	b.Helper()
	data, err := parquetgen.Write(parquetgen.Rows(0, 200_000), parquetgen.Layout{Codec: compress.Codecs.Zstd, Dictionary: true, RowGroupRows: 50_000, PageBytes: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func decodeAll(b *testing.B, data []byte) {
	pf, err := openParquet(bytes.NewReader(data), nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := decodeRecords(context.Background(), pf, batchSize{rows: 500}, func(arrow.RecordBatch) error { return nil }); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkDecodeOnce(b *testing.B) {
	data := benchObject(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		decodeAll(b, data)
	}
}

func BenchmarkDecodeValidateFirst(b *testing.B) {
	data := benchObject(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		decodeAll(b, data) // the validation pass
		decodeAll(b, data) // the pass that sends
	}
}
