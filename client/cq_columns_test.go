package client

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cloudquery/plugin-sdk/v4/types"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
	"github.com/google/uuid"
)

// stringColumns builds a record of utf8 columns, one value list per name.
func stringColumns(t *testing.T, names []string, values ...[]string) arrow.RecordBatch {
	t.Helper()
	fields := make([]arrow.Field, len(names))
	for i, n := range names {
		fields[i] = arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	for i := range names {
		b.Field(i).(*array.StringBuilder).AppendValues(values[i], nil)
	}
	return b.NewRecordBatch()
}

// Parquet written by CloudQuery's file and S3 destinations: its _cq_* columns keep their
// values under upstream_cq_*, and the table gets the plugin's own _cq_id, as its primary key.
func TestInheritedCloudQueryColumnsAreRenamed(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("export")
	s3.Put("export", "t/part-0.parquet", writeParquet(t, stringColumns(t,
		[]string{"_cq_source_name", "_cq_id", "name"},
		[]string{"aws", "aws"}, []string{"00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"}, []string{"x", "y"}), 10))
	p, err := initPlugin(t, s3.specJSON("export", ""))
	if err != nil {
		t.Fatal(err)
	}
	table := oneTable(t, p)
	if got := strings.Join(table.Columns.Names(), ","); got != "_cq_id,upstream_cq_source_name,upstream_cq_id,name" {
		t.Fatalf("columns %s", got)
	}
	id := table.Columns[0]
	if !id.PrimaryKey || !id.NotNull || !id.Unique || !arrow.TypeEqual(id.Type, types.ExtensionTypes.UUID) {
		t.Fatalf("_cq_id must be a NOT NULL unique uuid primary key: %+v", id)
	}
	if !table.IsIncremental || table.Columns.Get("_cq_parent_id") != nil {
		t.Fatal("tables are incremental and have no _cq_parent_id")
	}
	rec := syncAll(t, p).GetInserts()[0].Record
	if got := rec.Column(2).ValueStr(1) + " " + rec.Column(1).ValueStr(0); got != "00000000-0000-4000-8000-000000000002 aws" {
		t.Fatalf("the file's values must arrive under the new names, got %s", got)
	}
}

func TestRenamedColumnThatExistsFailsInitNamingTheFile(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("clash")
	s3.Put("clash", "t/part-0.parquet", writeParquet(t, stringColumns(t, []string{"_cq_id", "upstream_cq_id"}, []string{"a"}, []string{"b"}), 10))
	_, err := initPlugin(t, s3.specJSON("clash", ""))
	for _, want := range []string{"t/part-0.parquet", `"_cq_id"`, `"upstream_cq_id"`, "rename one of them"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("want an error containing %s, got %v", want, err)
		}
	}
}

// _cq_id is the same for the same row of the same object version, in every sync, however the
// rows are split into records; unique per row; different for another version of the object.
func TestRowIDsAreDeterministicPerObjectVersion(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("ids")
	s3.Put("ids", "t/a.parquet", writeParquet(t, allTypesRecord(t, 0, 1000), 300))
	s3.Put("ids", "t/b.parquet", writeParquet(t, allTypesRecord(t, 0, 1000), 300)) // same bytes, another key
	ids := func(extra string) map[string]string {
		t.Helper()
		p, err := initPlugin(t, s3.specJSON("ids", extra))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{} // _cq_id → the row's id column
		for _, ins := range syncAll(t, p).GetInserts() {
			idCol := ins.Record.Column(0).(*types.UUIDArray)
			for i := range idCol.Len() {
				u := uuid.UUID(idCol.Value(i))
				if u.Version() != 8 || u.Variant() != uuid.RFC4122 {
					t.Fatalf("_cq_id %s: version %d variant %s", u, u.Version(), u.Variant())
				}
				if _, dup := out[u.String()]; dup {
					t.Fatalf("_cq_id %s twice", u)
				}
				out[u.String()] = ins.Record.Column(1).ValueStr(i)
			}
		}
		return out
	}
	first, again := ids(`,"rows_per_record":500`), ids(`,"rows_per_record":77`)
	if len(first) != 2000 || len(again) != 2000 {
		t.Fatalf("want 2,000 distinct ids, got %d and %d", len(first), len(again))
	}
	for id, row := range first {
		if again[id] != row {
			t.Fatalf("_cq_id %s: row %s in one sync, %q in the next", id, row, again[id])
		}
	}
	s3.Put("ids", "t/a.parquet", writeParquet(t, allTypesRecord(t, 5, 1000), 300)) // a new version
	newer := ids("")
	shared := 0
	for id := range newer {
		if _, ok := first[id]; ok {
			shared++
		}
	}
	if shared != 1000 {
		t.Fatalf("only t/b.parquet's 1,000 ids may stay the same, %d did", shared)
	}
}

func TestRowIDBits(t *testing.T) {
	r := newRowIDs("bucket", &parquetObject{Object: s3store.Object{Key: "k", ETag: `"e"`}})
	seen := map[uuid.UUID]bool{}
	for _, row := range []int64{0, 1, 2, 1 << 20, 1<<32 + 7, 1<<40 - 1} {
		id := r.id(row)
		if id.Version() != 8 || id.Variant() != uuid.RFC4122 || seen[id] {
			t.Fatalf("row %d: %s", row, id)
		}
		seen[id] = true
	}
	other := newRowIDs("other-bucket", &parquetObject{Object: s3store.Object{Key: "k", ETag: `"e"`}})
	if other.id(0) == r.id(0) {
		t.Fatal("the bucket is part of the id")
	}
}

// The ids are a published contract (re-reading an object upserts the same rows): these are
// the values the first release made, including where the row number carries out of the low half.
func TestRowIDsKeepTheirValues(t *testing.T) {
	r := newRowIDs("bucket", &parquetObject{Object: s3store.Object{Key: "data/part-0.parquet", ETag: `"0123456789abcdef"`}})
	golden := []struct {
		row int64
		id  string
	}{
		{0, "872dc405-a02d-8368-8afb-752c6e374ccb"},
		{1, "872dc405-a02d-8368-8afb-752c6e374ccc"},
		{499, "872dc405-a02d-8368-8afb-752c6e374ebe"},
		{500, "872dc405-a02d-8368-8afb-752c6e374ebf"},
		{1 << 33, "872dc405-a02d-8368-8afb-752e6e374ccb"},
		{3820331025205605172, "872dc405-a02d-8368-bfff-ffffffffffff"},
		{3820331025205605173, "872dc405-a02d-8368-8000-000000000000"}, // the low half wraps around
	}
	for _, g := range golden {
		if got := r.id(g.row).String(); got != g.id {
			t.Errorf("row %d: id %s, want %s", g.row, got, g.id)
		}
		for _, first := range []int64{g.row, max(g.row-3, 0)} { // the row first in a column, and inside one
			col := r.array(first, g.row-first+4)
			if got := uuid.UUID(col.(*types.UUIDArray).Value(int(g.row - first))).String(); got != g.id {
				t.Errorf("row %d in a column from row %d: %s, want %s", g.row, first, got, g.id)
			}
			col.Release()
		}
	}
	if col := r.array(7, 0); col.Len() != 0 {
		t.Errorf("an empty column has %d ids", col.Len())
	}
}

// conformRecord puts _cq_id first and fills a null-typed column with nulls of the table's type.
func TestConformRecord(t *testing.T) {
	table := arrow.NewSchema([]arrow.Field{
		{Name: "_cq_id", Type: types.ExtensionTypes.UUID},
		{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	rec := recordOf(t, arrow.Field{Name: "note", Type: arrow.Null, Nullable: true}, nil, nil, nil)
	ids := newRowIDs("b", &parquetObject{Object: s3store.Object{Key: "k", ETag: "e"}})
	out := conformRecord(table, rec, ids, 10)
	defer out.Release()
	if !out.Schema().Equal(table) || out.NumRows() != 3 || out.Column(1).NullN() != 3 || out.Column(1).DataType().ID() != arrow.STRING {
		t.Fatalf("got %s", out)
	}
	if got := uuid.UUID(out.Column(0).(*types.UUIDArray).Value(2)); got != ids.id(12) {
		t.Fatalf("row 2 of a record starting at object row 10 has the id of row 12: %s vs %s", got, ids.id(12))
	}
}

// What _cq_id costs per row: go test -run '^$' -bench RowIDs ./client (take numbers on a quiet machine).
func BenchmarkRowIDs(b *testing.B) {
	r := newRowIDs("bucket", &parquetObject{Object: s3store.Object{Key: "data/2024/part-0001.parquet", ETag: `"0123456789abcdef0123456789abcdef"`}})
	const rows = 500 // the default rows_per_record
	b.SetBytes(rows * rowIDBytes)
	for i := range b.N {
		r.array(int64(i)*rows, rows).Release()
	}
}
