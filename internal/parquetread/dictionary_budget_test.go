package parquetread

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// A wide dictionary in a later row group counts from the first batch that reaches it: 1,000
// rows of "a", then 300 rows of one 100,000-byte value, in two row groups. The footer says
// about 80 bytes a row; no batch may decode to more than the byte target (1 MiB) by more than
// a row, the reservation grows for the wide rows once they are in sight, and every row arrives.
func TestDictionaryBudgetReachesALaterRowGroup(t *testing.T) {
	const narrow, wide, width = 1_000, 300, 100_000
	values := slices.Repeat([]string{"a"}, narrow)
	values = append(values, slices.Repeat([]string{strings.Repeat("y", width)}, wide)...)
	data := stringFile(t, parquet.NewWriterProperties(parquet.WithDictionaryDefault(true), parquet.WithMaxRowGroupLength(narrow)), values)
	pf, err := openParquet(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRowGroups() != 2 {
		t.Fatalf("%d row groups, want 2", pf.NumRowGroups())
	}
	plan := newReadPlan(pf.MetaData(), int64(len(data)), false)
	batch := batchSize{rows: decodeBatchRows, firstRows: firstBatchRows, bytes: 1 << 20, firstRowBytes: plan.rowBytes, total: plan.numRows}
	var grown int64
	var asked [][2]int64
	read := func(p []byte, off int64) int { return copy(p, data[min(off, int64(len(data))):]) }
	d, err := newDictionaryBudget(pf, read, int64(len(data)), nil, batch, func(n int64) error { grown += n; return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	batch.rowFloor = func(from, to int64) (int64, error) {
		asked = append(asked, [2]int64{from, to})
		return d.rowFloor(from, to)
	}
	var rows int64
	err = decodeRecords(context.Background(), pf, batch, func(rec arrow.RecordBatch) error {
		if b := RecordBytes(rec); b > batch.bytes+width {
			t.Errorf("rows %d-%d decoded to %d bytes, over the %d-byte target by more than a row", rows, rows+rec.NumRows()-1, b, batch.bytes)
		}
		rows += rec.NumRows()
		return nil
	})
	if err != nil || rows != narrow+wide {
		t.Fatalf("%d rows, %v", rows, err)
	}
	if want := batch.outputBytes(width) - batch.outputBytes(plan.rowBytes); grown < want {
		t.Errorf("the reservation grew by %d bytes, want at least %d for batches of %d-byte rows", grown, want, width)
	}
	if len(asked) == 0 || asked[0][0] != 0 {
		t.Errorf("the floor was asked for %v", asked)
	}
}

// stringFile is a Parquet file of one string column, s, of values, written with props.
func stringFile(t *testing.T, props *parquet.WriterProperties, values []string) []byte {
	t.Helper()
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(values, nil)
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil), []arrow.Array{col}, int64(len(values)))
	defer rec.Release()
	data, err := parquetgen.Encode(rec, props, nil)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
