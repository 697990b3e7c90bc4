package parquetread

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// valueCounter checks what an object decoded to against its footer, column by column: each
// Parquet leaf column stores one value (or null or empty-list marker) per level entry, and
// the footer says how many each column chunk holds. A page header whose value count was
// damaged can decode "successfully" to fewer list elements; this is where it shows.
type valueCounter struct {
	counts []int64 // per leaf column, in schema order
}

// add counts the level entries of every leaf column of rec.
func (c *valueCounter) add(rec arrow.RecordBatch) {
	var leaves []int64
	for _, col := range rec.Columns() {
		leaves = append(leaves, levelEntries(col, 0, int64(col.Len()))...)
	}
	if c.counts == nil {
		c.counts = make([]int64, len(leaves))
	}
	for i := range min(len(leaves), len(c.counts)) {
		c.counts[i] += leaves[i]
	}
}

// check compares the counts with the footer's per-column-chunk value counts.
func (c *valueCounter) check(md *metadata.FileMetaData) error {
	if len(c.counts) != md.Schema.NumColumns() {
		return nil // a mapping this check does not model: the row count check still holds
	}
	for leaf := range c.counts {
		var want int64
		for rg := 0; rg < md.NumRowGroups(); rg++ {
			cc, err := md.RowGroup(rg).ColumnChunk(leaf)
			if err != nil {
				return err
			}
			want += cc.NumValues()
		}
		if c.counts[leaf] != want {
			return fmt.Errorf("column %s decoded to %d values, the footer says %d", md.Schema.Column(leaf).Path(), c.counts[leaf], want)
		}
	}
	return nil
}

// levelEntries counts, for rows [from, to) of a, the Parquet level entries of each leaf
// column under it: one per row for a flat column; for a list, one per null or empty list
// plus the entries of its non-null elements. A null row's child slots are not counted: a
// fixed_size_list keeps its size in child slots for a null row, which Parquet does not store.
func levelEntries(a arrow.Array, from, to int64) []int64 {
	switch a := a.(type) {
	case *array.Struct:
		var out []int64
		for i := 0; i < a.NumField(); i++ {
			out = append(out, levelEntries(a.Field(i), from, to)...)
		}
		return out
	case array.ListLike:
		return listLevelEntries(a, from, to)
	}
	return []int64{to - from}
}

// listLevelEntries counts a list's rows [from, to): runs of rows whose elements are stored
// are counted together, each null or empty row adds one entry to every leaf.
func listLevelEntries(a array.ListLike, from, to int64) []int64 {
	out := levelEntries(a.ListValues(), 0, 0) // one zero per leaf
	var markers int64
	runStart, runEnd := int64(-1), int64(-1)
	flush := func() {
		if runStart < runEnd {
			for i, n := range levelEntries(a.ListValues(), runStart, runEnd) {
				out[i] += n
			}
		}
		runStart, runEnd = -1, -1
	}
	for r := from; r < to; r++ {
		s, e := a.ValueOffsets(int(r))
		if a.IsNull(int(r)) || s == e {
			markers++
			continue
		}
		if s != runEnd {
			flush()
			runStart = s
		}
		runEnd = e
	}
	flush()
	for i := range out {
		out[i] += markers
	}
	return out
}
