// Package parquetgen writes deterministic Parquet fixtures, checks delivered rows against them
// value by value, and makes a seeded corpus of corrupt variants of them. Tests of the plugin
// (in-process, fuzz seeds, and the fault suite against the real binary) share it.
package parquetgen

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Row is one fixture row as the plugin must deliver it.
type Row struct {
	ID    int64
	Name  string
	Value *float64 // null for every 5th id
	Tags  []string
}

var names = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"}

// Rows returns n rows with ids from first: every value is a function of the id.
func Rows(first, n int64) []Row {
	out := make([]Row, n)
	for i := range out {
		id := first + int64(i)
		r := Row{ID: id, Name: names[id%int64(len(names))], Tags: make([]string, id%3)}
		if id%5 != 0 {
			v := float64(id) * 0.5
			r.Value = &v
		}
		for k := range r.Tags {
			r.Tags[k] = fmt.Sprintf("t%d", (id+int64(k))%4)
		}
		out[i] = r
	}
	return out
}

// Schema is the fixtures' Arrow schema.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "name", Type: arrow.BinaryTypes.String},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
}, nil)

// Record builds rows as one Arrow record of Schema.
func Record(rows []Row) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, Schema)
	defer b.Release()
	ids, nm, val := b.Field(0).(*array.Int64Builder), b.Field(1).(*array.StringBuilder), b.Field(2).(*array.Float64Builder)
	tags := b.Field(3).(*array.ListBuilder)
	for _, r := range rows {
		ids.Append(r.ID)
		nm.Append(r.Name)
		if r.Value == nil {
			val.AppendNull()
		} else {
			val.Append(*r.Value)
		}
		tags.Append(true)
		tags.ValueBuilder().(*array.StringBuilder).AppendValues(r.Tags, nil)
	}
	return b.NewRecordBatch()
}

// DeliveredRowsOf decodes a record the plugin sent: its _cq_id (CloudQuery's uuid, never
// null), then Schema's columns in order.
func DeliveredRowsOf(rec arrow.RecordBatch) ([]Row, error) {
	if rec.NumCols() == 0 || rec.Schema().Field(0).Name != "_cq_id" || !isUUID(rec.Schema().Field(0).Type) || rec.Column(0).NullN() > 0 {
		return nil, fmt.Errorf("record does not start with a _cq_id uuid column without nulls: %s", rec.Schema())
	}
	md := rec.Schema().Metadata()
	data := array.NewRecordBatch(arrow.NewSchema(rec.Schema().Fields()[1:], &md), rec.Columns()[1:], rec.NumRows())
	defer data.Release()
	return RowsOf(data)
}

// isUUID: CloudQuery's uuid extension type, or its storage when the extension is not registered.
func isUUID(t arrow.DataType) bool {
	if ext, ok := t.(arrow.ExtensionType); ok {
		return ext.ExtensionName() == "uuid"
	}
	fsb, ok := t.(*arrow.FixedSizeBinaryType)
	return ok && fsb.ByteWidth == 16
}

// RowsOf decodes a decoded record (whose columns must be Schema's, in order).
func RowsOf(rec arrow.RecordBatch) ([]Row, error) {
	if rec.NumCols() != int64(Schema.NumFields()) {
		return nil, fmt.Errorf("record has %d columns, want %d", rec.NumCols(), Schema.NumFields())
	}
	for i, f := range Schema.Fields() {
		if got := rec.Schema().Field(i); got.Name != f.Name || !arrow.TypeEqual(got.Type, f.Type) {
			return nil, fmt.Errorf("column %d is %s %s, want %s %s", i, got.Name, got.Type, f.Name, f.Type)
		}
	}
	ids, nm, val := rec.Column(0).(*array.Int64), rec.Column(1).(*array.String), rec.Column(2).(*array.Float64)
	tags := rec.Column(3).(*array.List)
	out := make([]Row, rec.NumRows())
	for i := range out {
		r := Row{ID: ids.Value(i), Name: nm.Value(i), Tags: []string{}}
		if val.IsValid(i) {
			v := val.Value(i)
			r.Value = &v
		}
		start, end := tags.ValueOffsets(i)
		values := tags.ListValues().(*array.String)
		for k := start; k < end; k++ {
			r.Tags = append(r.Tags, values.Value(int(k)))
		}
		out[i] = r
	}
	return out, nil
}

// Diff compares delivered rows (any order) with the wanted ones, value by value, and
// describes the first difference: a missing, duplicated, unexpected or changed row.
func Diff(got, want []Row) string {
	byID := map[int64]Row{}
	for _, r := range got {
		if _, dup := byID[r.ID]; dup {
			return fmt.Sprintf("row id=%d delivered twice", r.ID)
		}
		byID[r.ID] = r
	}
	for _, w := range want {
		g, ok := byID[w.ID]
		if !ok {
			return fmt.Sprintf("row id=%d missing (got %d rows, want %d)", w.ID, len(got), len(want))
		}
		if d := diffRow(g, w); d != "" {
			return fmt.Sprintf("row id=%d: %s", w.ID, d)
		}
		delete(byID, w.ID)
	}
	for id := range byID {
		return fmt.Sprintf("unexpected row id=%d (got %d rows, want %d)", id, len(got), len(want))
	}
	return ""
}

func diffRow(g, w Row) string {
	switch {
	case g.Name != w.Name:
		return fmt.Sprintf("name %q, want %q", g.Name, w.Name)
	case (g.Value == nil) != (w.Value == nil) || (g.Value != nil && *g.Value != *w.Value):
		return fmt.Sprintf("value %v, want %v", deref(g.Value), deref(w.Value))
	case !slices.Equal(g.Tags, w.Tags):
		return fmt.Sprintf("tags %v, want %v", g.Tags, w.Tags)
	}
	return ""
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
