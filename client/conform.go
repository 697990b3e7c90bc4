package client

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// conformRecord returns rec under the table's schema sc. The columns already have the table's
// types except where schema unification let an object's null-typed column join a typed one:
// those become all-null arrays of the table's type. The caller releases the result.
func conformRecord(sc *arrow.Schema, rec arrow.RecordBatch) arrow.RecordBatch {
	cols := rec.Columns()
	var made []arrow.Array
	for i, col := range cols {
		if want := sc.Field(i).Type; col.DataType().ID() == arrow.NULL && want.ID() != arrow.NULL {
			if len(made) == 0 {
				cols = append([]arrow.Array{}, cols...)
			}
			cols[i] = array.MakeArrayOfNull(memory.DefaultAllocator, want, col.Len())
			made = append(made, cols[i])
		}
	}
	out := array.NewRecordBatch(sc, cols, rec.NumRows())
	for _, a := range made {
		a.Release()
	}
	return out
}
