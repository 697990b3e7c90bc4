package parquetread

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// decodeRecordJSON decodes data as a sync does and returns each column's values as JSON.
func decodeRecordJSON(t *testing.T, data []byte) []string {
	t.Helper()
	pf, err := openParquet(bytes.NewReader(data), newPageBuffers(64<<20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := arrowSchema(pf); err != nil {
		t.Fatal(err)
	}
	var cols []string
	err = decodeRecords(context.Background(), pf, batchSize{rows: 1000}, func(rec arrow.RecordBatch) error {
		for _, c := range rec.Columns() {
			b, err := c.MarshalJSON()
			if err != nil {
				return err
			}
			cols = append(cols, string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// A null row of a fixed_size_list is one level entry in Parquet: the value check must not also
// count the child slots Arrow keeps for it (that made such objects be skipped with
// "decoded to 10 values, the footer says 7").
func TestFixedSizeListWithNullRows(t *testing.T) {
	cases := []struct {
		name string
		rows [][]int32 // nil: a null row
		want string
	}{
		{"a null row in the middle", [][]int32{{1, 2, 3}, nil, {7, 8, 9}}, `[[1,2,3],null,[7,8,9]]`},
		{"every row null", [][]int32{nil, nil, nil}, `[null,null,null]`},
		{"first and last null", [][]int32{nil, {4, 5, 6}, nil}, `[null,[4,5,6],null]`},
	}
	typ := arrow.FixedSizeListOf(3, arrow.PrimitiveTypes.Int32)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := array.NewFixedSizeListBuilder(memory.DefaultAllocator, 3, arrow.PrimitiveTypes.Int32)
			defer b.Release()
			vals := b.ValueBuilder().(*array.Int32Builder)
			for _, r := range c.rows {
				if r == nil {
					b.AppendNull()
					continue
				}
				b.Append(true)
				vals.AppendValues(r, nil)
			}
			col := b.NewArray()
			defer col.Release()
			sc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: typ, Nullable: true}}, nil)
			rec := array.NewRecordBatch(sc, []arrow.Array{col}, int64(col.Len()))
			defer rec.Release()
			// with the Arrow schema stored, as pyarrow writes it: it reads back as a fixed_size_list
			data, err := parquetgen.Encode(rec, parquet.NewWriterProperties(), map[string]string{arrowschema.HintsKey: arrowschema.EncodeHints(sc)})
			if err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(strings.Join(decodeRecordJSON(t, data), ""), "\n", "")
			if got != c.want {
				t.Fatalf("decoded %s, want %s", got, c.want)
			}
		})
	}
}
