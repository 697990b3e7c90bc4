package client

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// conformRecord returns rec, an object's decoded rows starting at row `first`, under the
// table's schema sc. When sc starts with the plugin's _cq_id (cq_columns.go), ids supplies
// that column. The other columns already have the table's types except where schema
// unification let an object's null-typed column join a typed one: those become all-null
// arrays of the table's type. The caller releases the result.
func conformRecord(sc *arrow.Schema, rec arrow.RecordBatch, ids *rowIDs, first int64) arrow.RecordBatch {
	offset := 0
	var made []arrow.Array
	cols := make([]arrow.Array, 0, sc.NumFields())
	if hasRowID(sc) {
		offset = 1
		idCol := ids.array(first, rec.NumRows())
		cols = append(cols, idCol)
		made = append(made, idCol)
	}
	for i, col := range rec.Columns() {
		if want := sc.Field(offset + i).Type; col.DataType().ID() == arrow.NULL && want.ID() != arrow.NULL {
			col = array.MakeArrayOfNull(memory.DefaultAllocator, want, col.Len())
			made = append(made, col)
		}
		cols = append(cols, col)
	}
	out := array.NewRecordBatch(sc, cols, rec.NumRows())
	for _, a := range made {
		a.Release()
	}
	return out
}
