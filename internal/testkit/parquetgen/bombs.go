package parquetgen

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
)

// BombValue is row id's string of n bytes: different for every row, and compressible to almost nothing.
func BombValue(id int64, n int) string {
	unit := fmt.Sprintf("%08d", id)
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

// Bomb is a decompression bomb: rows rows (id, blob) of width-byte strings (BombValue) in one
// zstd page (about 15 KB for 450 rows of 260 KB, 117 MB once decoded).
func Bomb(rows, width int) ([]byte, error) {
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "blob", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for id := range int64(rows) {
		b.Field(0).(*array.Int64Builder).Append(id)
		b.Field(1).(*array.StringBuilder).Append(BombValue(id, width))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return Encode(rec, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCompressionLevel(19),
		parquet.WithDictionaryDefault(false), parquet.WithMaxRowGroupLength(int64(rows))), nil)
}

// DictionaryBomb is 450 distinct 260 KB values (BombValue) of one column, blob, written in one
// batch: one 117 MB dictionary page (as pyarrow and arrow-go write it) in an object of about 20 KB.
func DictionaryBomb() ([]byte, error) {
	sc := arrow.NewSchema([]arrow.Field{{Name: "blob", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for id := range int64(450) {
		b.Field(0).(*array.StringBuilder).Append(BombValue(id, 260_000))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return Encode(rec, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithDictionaryDefault(true)), nil)
}
