package client

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/types"
	"github.com/google/uuid"
)

// typedRecord is one column per field, each built by fill.
func typedRecord(t *testing.T, fields []arrow.Field, fill func(b *array.RecordBuilder)) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	fill(b)
	return b.NewRecordBatch()
}

// columnJSON is one column of the inserts, as one JSON array of all rows.
func columnJSON(t *testing.T, rec arrow.RecordBatch, name string) string {
	t.Helper()
	idx := rec.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("no column %s in %s", name, rec.Schema())
	}
	b, err := rec.Column(idx[0]).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\n", "")
}

// Parquet's UUID and JSON logical types become CloudQuery's uuid and json (PostgreSQL uuid and
// jsonb), a list of lists becomes json (PostgreSQL arrays cannot hold it), and the uuids
// CloudQuery's own exports write as text become uuid again under their upstream_ names.
func TestParquetLogicalTypesBecomeCloudQueryTypes(t *testing.T) {
	u1, u2 := uuid.MustParse("0b8e5e3c-3f6e-4a39-9a36-0d6f4f7d3e01"), uuid.MustParse("ffffffff-0000-4000-8000-000000000002")
	jsonText, _ := extensions.NewJSONType(arrow.BinaryTypes.String)
	nested := arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Float64))
	rec := typedRecord(t, []arrow.Field{
		{Name: "u", Type: extensions.NewUUIDType(), Nullable: true},
		{Name: "j", Type: jsonText, Nullable: true},
		{Name: "ll", Type: nested, Nullable: true},
		{Name: "_cq_id", Type: arrow.BinaryTypes.String},
		{Name: "_cq_parent_id", Type: arrow.BinaryTypes.String, Nullable: true},
	}, func(b *array.RecordBuilder) {
		ub := b.Field(0).(*extensions.UUIDBuilder)
		ub.Append(u1)
		ub.AppendNull()
		ub.Append(u2)
		jb := b.Field(1).(*array.ExtensionBuilder).StorageBuilder().(*array.StringBuilder)
		jb.AppendValues([]string{`{"a":[1,2.5,"x"],"b":null}`, `[]`}, nil)
		jb.AppendNull()
		lb := b.Field(2).(*array.ListBuilder)
		inner := lb.ValueBuilder().(*array.ListBuilder)
		fb := inner.ValueBuilder().(*array.Float64Builder)
		lb.Append(true) // [[1.5, NaN], null, []]
		inner.Append(true)
		fb.AppendValues([]float64{1.5}, nil)
		fb.AppendNull()
		inner.AppendNull()
		inner.Append(true)
		lb.AppendNull()
		lb.Append(true) // []
		b.Field(3).(*array.StringBuilder).AppendValues([]string{u1.String(), u2.String(), u1.String()}, nil)
		b.Field(4).(*array.StringBuilder).AppendValues([]string{u2.String(), "", ""}, []bool{true, false, false})
	})
	defer rec.Release()
	s3 := startS3(t)
	s3.CreateBucket("types")
	s3.Put("types", "t/a.parquet", encodeParquet(t, rec, parquet.NewWriterProperties(), rec.Schema()))
	p, err := initPlugin(t, s3.specJSON("types", ""))
	if err != nil {
		t.Fatal(err)
	}
	table := oneTable(t, p)
	for name, want := range map[string]arrow.DataType{
		"u": types.ExtensionTypes.UUID, "j": types.ExtensionTypes.JSON, "ll": types.ExtensionTypes.JSON,
		"upstream_cq_id": types.ExtensionTypes.UUID, "upstream_cq_parent_id": types.ExtensionTypes.UUID,
	} {
		if got := table.Columns.Get(name).Type; !arrow.TypeEqual(got, want) {
			t.Errorf("column %s is %s, want %s", name, got, want)
		}
	}
	if d := table.Columns.Get("ll").Description; !strings.Contains(d, "list<element: list<element: float64") || !strings.Contains(d, "JSON") {
		t.Errorf("the nested list's description must say what it was and that it arrives as JSON: %q", d)
	}
	inserts := syncAll(t, p).GetInserts()
	if len(inserts) != 1 {
		t.Fatalf("want one insert, got %d", len(inserts))
	}
	got := inserts[0].Record
	for name, want := range map[string]string{
		"u":                     `["` + u1.String() + `",null,"` + u2.String() + `"]`,
		"j":                     `[{"a":[1,2.5,"x"],"b":null},[],null]`,
		"ll":                    `[[[1.5,null],null,[]],null,[]]`,
		"upstream_cq_id":        `["` + u1.String() + `","` + u2.String() + `","` + u1.String() + `"]`,
		"upstream_cq_parent_id": `["` + u2.String() + `",null,null]`,
	} {
		if g := columnJSON(t, got, name); g != want {
			t.Errorf("column %s: %s, want %s", name, g, want)
		}
	}
}

// A value that is not what its logical type promises skips the object with a reason naming the
// column and the value; the other objects of the table arrive.
func TestMalformedUUIDOrJSONSkipsTheObject(t *testing.T) {
	jsonText, _ := extensions.NewJSONType(arrow.BinaryTypes.String)
	strs := func(vals ...string) arrow.Array {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		defer b.Release()
		b.AppendValues(vals, nil)
		return b.NewArray()
	}
	jsonRec := func(vals ...string) arrow.RecordBatch {
		storage := strs(vals...)
		defer storage.Release()
		col := array.NewExtensionArrayWithStorage(jsonText, storage) // no validation on the way in
		defer col.Release()
		sc := arrow.NewSchema([]arrow.Field{{Name: "j", Type: jsonText, Nullable: true}}, nil)
		return array.NewRecordBatch(sc, []arrow.Array{col}, int64(col.Len()))
	}
	cqRec := func(vals ...string) arrow.RecordBatch { return stringColumns(t, []string{"_cq_id"}, vals) }
	s3 := startS3(t)
	s3.CreateBucket("bad")
	for key, rec := range map[string]arrow.RecordBatch{
		"j/good.parquet": jsonRec(`{"ok":true}`), "j/bad.parquet": jsonRec(`{"ok":`),
		"c/good.parquet": cqRec("00000000-0000-4000-8000-000000000001"), "c/bad.parquet": cqRec("not-a-uuid"),
	} {
		s3.Put("bad", key, encodeParquet(t, rec, parquet.NewWriterProperties(), rec.Schema()))
		rec.Release()
	}
	p, err := initPlugin(t, s3.specJSON("bad", ""))
	if err != nil {
		t.Fatal(err)
	}
	if rows := rowsByTable(syncAll(t, p)); rows["j"] != 1 || rows["c"] != 1 {
		t.Fatalf("want the good object's row of each table, got %v", rows)
	}
	p, err = initPlugin(t, s3.specJSON("bad", `,"strict":true`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.SyncAll(t.Context(), plugin.SyncOptions{Tables: []string{"*"}})
	if err == nil || !strings.Contains(err.Error(), "bad.parquet") || !(strings.Contains(err.Error(), `"not-a-uuid"`) || strings.Contains(err.Error(), `"{\"ok\":"`)) {
		t.Fatalf("strict: the sync must fail naming the object and the value, got %v", err)
	}
}
