package parquetgen

import (
	"math/rand/v2"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
)

// RepeatedValue is a file of rows rows (id, payload) whose payload is one string of width bytes
// ("y" repeated) on every row, through the dictionary, snappy, in one row group: issue #28's
// `pa.table({'id': range(450), 'payload': ['y'*260000]*450})` with row_group_size=450 is
// RepeatedValue(450, 260_000), about 16 KB that decode to 117 MB.
func RepeatedValue(rows int, width int) ([]byte, error) {
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "payload", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	value := strings.Repeat("y", width)
	for id := range int64(rows) {
		b.Field(0).(*array.Int64Builder).Append(id)
		b.Field(1).(*array.StringBuilder).Append(value)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return Encode(rec, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithDictionaryDefault(true), parquet.WithMaxRowGroupLength(int64(rows))), nil)
}

// RepeatedValueLarge is RepeatedValue with rows rows in row groups of groupRows, and a third
// column, noise, of noiseWidth random bytes on every row (PLAIN, incompressible), so that the
// file is large enough to be read in ranges: 4,500 rows of 260,000 bytes in groups of 450 with
// 8,000 bytes of noise are a 36 MB file that decodes to 1.2 GB.
func RepeatedValueLarge(rows, groupRows, width, noiseWidth int) ([]byte, error) {
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "payload", Type: arrow.BinaryTypes.String},
		{Name: "noise", Type: arrow.BinaryTypes.Binary}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	value := strings.Repeat("y", width)
	rng := rand.New(rand.NewPCG(28, uint64(rows)))
	noise := make([]byte, noiseWidth)
	for id := range int64(rows) {
		b.Field(0).(*array.Int64Builder).Append(id)
		b.Field(1).(*array.StringBuilder).Append(value)
		for i := range noise {
			noise[i] = byte(rng.Uint32())
		}
		b.Field(2).(*array.BinaryBuilder).Append(noise)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return Encode(rec, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithDictionaryDefault(true), parquet.WithDictionaryFor("noise", false), parquet.WithMaxRowGroupLength(int64(groupRows))), nil)
}
