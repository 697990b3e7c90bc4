package faults

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// sdkMessageLimit is the plugin-sdk's gRPC message limit: it drops larger messages.
const sdkMessageLimit = 100 << 20

var wideSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "blob", Type: arrow.BinaryTypes.String},
}, nil)

// wideValue is row id's string of n bytes, different for every row.
func wideValue(id int64, n int) string {
	unit := fmt.Sprintf("%08d", id)
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

func wideFile(t *testing.T, sizes []int) []byte {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, wideSchema)
	defer b.Release()
	for id, n := range sizes {
		b.Field(0).(*array.Int64Builder).Append(int64(id))
		b.Field(1).(*array.StringBuilder).Append(wideValue(int64(id), n))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	data, err := parquetgen.WriteRecord(rec, parquetgen.Layout{Codec: compress.Codecs.Zstd, RowGroupRows: 1000, PageBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestOversizedRows: 450 rows of 260 KB (117 MB, more than one gRPC message) with
// rows_per_record 500 arrive whole, in records under the limit; one row over the limit fails
// the sync naming the object and the row.
func TestOversizedRows(t *testing.T) {
	t.Parallel()
	sizes := make([]int, 450)
	for i := range sizes {
		sizes[i] = 260_000
	}
	bucket := s3.newBucket(t)
	s3.putAll(t, bucket, map[string][]byte{
		"wide/rows.parquet": wideFile(t, sizes),
		"huge/row.parquet":  wideFile(t, []int{10, 97 << 20}),
	})
	p := startPlugin(t, 0)
	proxy := startProxy(t)
	if err := p.init(context.Background(), spec(bucket, proxy.URL(), map[string]any{"rows_per_record": 500})); err != nil {
		t.Fatal(err)
	}
	res, err := p.sync(context.Background(), []string{"wide"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, rec := range res.records["wide"] {
		ids, blobs := rec.Column(1).(*array.Int64), rec.Column(2).(*array.String) // after _cq_id
		for i := 0; i < int(rec.NumRows()); i++ {
			id := ids.Value(i)
			if seen[id] || blobs.Value(i) != wideValue(id, 260_000) {
				t.Fatalf("row %d duplicated or changed", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != 450 || len(res.records["wide"]) < 2 || res.maxMessage >= sdkMessageLimit {
		t.Fatalf("got %d of 450 rows in %d records, largest %d bytes", len(seen), len(res.records["wide"]), res.maxMessage)
	}
	t.Logf("450 rows × 260 KB in %d records, the largest %d bytes", len(res.records["wide"]), res.maxMessage)

	_, err = p.sync(context.Background(), []string{"huge"}, nil)
	expectError(t, err, "s3://"+bucket+"/huge/row.parquet", "row 1 (0-based) holds", "more than one gRPC message can carry")
}

// TestResourceExhaustion: concurrency -1 still opens at most 128 connections, so 400
// objects sync exactly under an open-file limit of 256; under a limit of 40 the process
// runs out of descriptors, and that fails Init naming the cause — it is never a skip.
func TestResourceExhaustion(t *testing.T) {
	t.Parallel()
	ds := newDataset()
	for i := range 400 {
		ds.add(t, fmt.Sprintf("many/part-%03d.parquet", i), "many", parquetgen.Rows(int64(i)*50, 50), parquetgen.Layout{})
	}
	bucket := ds.upload(t)
	proxy := startProxy(t)
	sp := spec(bucket, proxy.URL(), map[string]any{"concurrency": -1})

	p := startPlugin(t, 256)
	if err := p.init(context.Background(), sp); err != nil {
		t.Fatalf("Init with 256 open files: %v", err)
	}
	res, err := p.syncAll(t)
	expectExact(t, res, err, ds.want())

	tight := startPlugin(t, 40)
	err = tight.init(context.Background(), sp)
	expectError(t, err, "s3://"+bucket+"/many/part-", "too many open files", "out of resources")
}
