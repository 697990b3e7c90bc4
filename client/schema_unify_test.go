package client

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
)

// recordOf builds a one-column record; values are int64, string or nil (null).
func recordOf(t *testing.T, field arrow.Field, values ...any) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema([]arrow.Field{field}, nil))
	defer b.Release()
	for _, v := range values {
		switch v := v.(type) {
		case nil:
			b.Field(0).AppendNull()
		case int64:
			b.Field(0).(*array.Int64Builder).Append(v)
		case string:
			b.Field(0).(*array.StringBuilder).Append(v)
		default:
			t.Fatalf("unsupported value %T", v)
		}
	}
	return b.NewRecordBatch()
}

// writeParquetWithHint writes rec and stores hint as the file's Arrow schema, the way pyarrow
// and arrow-rs do for types Parquet cannot express (durations, large strings, dictionaries).
func writeParquetWithHint(t *testing.T, rec arrow.RecordBatch, hint *arrow.Schema) []byte {
	t.Helper()
	return encodeParquet(t, rec, parquet.NewWriterProperties(), hint)
}

func oneTable(t *testing.T, p *plugin.Plugin) *schema.Table {
	t.Helper()
	tables, err := p.Tables(context.Background(), plugin.TableOptions{Tables: []string{"*"}})
	if err != nil || len(tables) != 1 {
		t.Fatalf("want one table, got %v (%v)", tables, err)
	}
	return tables[0]
}

// syncedValues returns the first data column (after _cq_id) of every synced row as sorted strings ("(null)" for null), and
// the column's type in each record.
func syncedValues(t *testing.T, p *plugin.Plugin) (values []string, types []string) {
	t.Helper()
	for _, ins := range syncAll(t, p).GetInserts() {
		col := ins.Record.Column(1) // column 0 is the plugin's _cq_id
		types = append(types, col.DataType().String())
		for i := 0; i < col.Len(); i++ {
			values = append(values, col.ValueStr(i))
		}
	}
	sort.Strings(values)
	return values, types
}

func TestNullableIfAnyFileIsNullable(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("nulls")
	s3.Put("nulls", "t/a.parquet", writeParquet(t, recordOf(t, arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64}, int64(1), int64(2)), 10))
	s3.Put("nulls", "t/b.parquet", writeParquet(t, recordOf(t, arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, int64(3), nil), 10))
	p, err := initPlugin(t, s3.specJSON("nulls", ""))
	if err != nil {
		t.Fatal(err)
	}
	if col := oneTable(t, p).Columns[1]; col.NotNull {
		t.Fatal("id is OPTIONAL in t/b.parquet: the table must not declare it NOT NULL")
	}
	values, _ := syncedValues(t, p)
	if got := strings.Join(values, ","); got != "(null),1,2,3" {
		t.Fatalf("got %s", got)
	}

	s3.CreateBucket("required")
	s3.Put("required", "t/a.parquet", writeParquet(t, recordOf(t, arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64}, int64(1)), 10))
	s3.Put("required", "t/b.parquet", writeParquet(t, recordOf(t, arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64}, int64(2)), 10))
	p, err = initPlugin(t, s3.specJSON("required", ""))
	if err != nil {
		t.Fatal(err)
	}
	if !oneTable(t, p).Columns[1].NotNull {
		t.Fatal("id is REQUIRED in every file: the table must declare it NOT NULL")
	}
}

func TestNullTypedColumnUnifiesWithAnyType(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("nulltype")
	// What pandas writes for an empty or all-None column: Parquet's null logical type.
	s3.Put("nulltype", "t/a-empty.parquet", writeParquet(t, recordOf(t, arrow.Field{Name: "name", Type: arrow.Null, Nullable: true}, nil, nil), 10))
	s3.Put("nulltype", "t/b.parquet", writeParquet(t, recordOf(t, arrow.Field{Name: "name", Type: arrow.BinaryTypes.String}, "x", "y"), 10))
	p, err := initPlugin(t, s3.specJSON("nulltype", ""))
	if err != nil {
		t.Fatalf("a null-typed column must unify with utf8: %v", err)
	}
	col := oneTable(t, p).Columns[1]
	if col.Type.ID() != arrow.STRING || col.NotNull {
		t.Fatalf("want a nullable utf8 column, got %s not-null=%v", col.Type, col.NotNull)
	}
	values, types := syncedValues(t, p)
	if got := strings.Join(values, ","); got != "(null),(null),x,y" {
		t.Fatalf("got %s", got)
	}
	for _, typ := range types {
		if typ != "utf8" {
			t.Fatalf("every record must carry the table's type utf8, got %v", types)
		}
	}

	s3.CreateBucket("allnull")
	s3.Put("allnull", "t/a.parquet", writeParquet(t, recordOf(t, arrow.Field{Name: "name", Type: arrow.Null, Nullable: true}, nil), 10))
	p, err = initPlugin(t, s3.specJSON("allnull", ""))
	if err != nil {
		t.Fatal(err)
	}
	if col := oneTable(t, p).Columns[1]; col.Type.ID() != arrow.STRING {
		t.Fatalf("a column null in every file becomes utf8, got %s", col.Type)
	}
	if _, types := syncedValues(t, p); fmt.Sprint(types) != "[utf8]" {
		t.Fatalf("got record types %v", types)
	}
}

func TestDurationColumnsArriveAsInt64Counts(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("durations")
	// Parquet stores a duration as INT64; the Arrow schema stored beside it says duration[ms].
	rec := recordOf(t, arrow.Field{Name: "elapsed", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, int64(1500), nil)
	hint := arrow.NewSchema([]arrow.Field{{Name: "elapsed", Type: arrow.FixedWidthTypes.Duration_ms, Nullable: true}}, nil)
	s3.Put("durations", "t/a.parquet", writeParquetWithHint(t, rec, hint))
	p, err := initPlugin(t, s3.specJSON("durations", ""))
	if err != nil {
		t.Fatal(err)
	}
	col := oneTable(t, p).Columns[1]
	if col.Type.ID() != arrow.INT64 || !strings.Contains(col.Description, "number of milliseconds") {
		t.Fatalf("want int64 documented as milliseconds, got %s %q", col.Type, col.Description)
	}
	values, types := syncedValues(t, p)
	if strings.Join(values, ",") != "(null),1500" || fmt.Sprint(types) != "[int64]" {
		t.Fatalf("every row must arrive, as int64: got %v %v", values, types)
	}
}

func TestLargeAndDictionaryStringsReadAsUtf8(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("strings")
	rec := recordOf(t, arrow.Field{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}, "a", nil)
	large := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.LargeString, Nullable: true}}, nil)
	dict := arrow.NewSchema([]arrow.Field{{Name: "s", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, Nullable: true}}, nil)
	s3.Put("strings", "t/a-large.parquet", writeParquetWithHint(t, rec, large))
	s3.Put("strings", "t/b-dict.parquet", writeParquetWithHint(t, rec, dict))
	s3.Put("strings", "t/c-plain.parquet", writeParquet(t, rec, 10))
	p, err := initPlugin(t, s3.specJSON("strings", ""))
	if err != nil {
		t.Fatalf("large_utf8, dictionary<utf8> and utf8 files must unify: %v", err)
	}
	if col := oneTable(t, p).Columns[1]; col.Type.ID() != arrow.STRING {
		t.Fatalf("got %s", col.Type)
	}
	values, types := syncedValues(t, p)
	if strings.Join(values, ",") != "(null),(null),(null),a,a,a" || fmt.Sprint(types) != "[utf8 utf8 utf8]" {
		t.Fatalf("got %v %v", values, types)
	}
}

func TestObjectColumnErrorsNameTheObject(t *testing.T) {
	dup := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "id", Type: arrow.BinaryTypes.String}}, nil)
	interval := arrow.NewSchema([]arrow.Field{{Name: "span", Type: arrow.FixedWidthTypes.MonthDayNanoInterval}}, nil)
	nested := arrow.NewSchema([]arrow.Field{{Name: "spans", Type: arrow.ListOf(arrow.FixedWidthTypes.Duration_s)}}, nil)
	cases := []struct {
		sc   *arrow.Schema
		want string
	}{
		{dup, `t/x.parquet has two columns named "id"`},
		{interval, `t/x.parquet: column "span" has type month_day_nano_interval, which cannot be read from Parquet`},
		{nested, `t/x.parquet: column "spans" has type list<item: duration[s], nullable>, which cannot be read from Parquet (duration[s] is not supported)`},
	}
	for _, c := range cases {
		_, err := groupTables([]*parquetObject{{Object: s3store.Object{Key: "t/x.parquet"}, Schema: c.sc}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}

func TestUnifyTypeRules(t *testing.T) {
	str, i64 := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64
	cases := []struct {
		a, b arrow.DataType
		want arrow.DataType
	}{
		{i64, i64, i64},
		{arrow.Null, str, str},
		{str, arrow.Null, str},
		{arrow.Null, arrow.Null, arrow.Null},
		{i64, str, nil},
	}
	for _, c := range cases {
		got, ok := arrowschema.UnifyType(c.a, c.b)
		if ok != (c.want != nil) || (ok && !arrow.TypeEqual(got, c.want)) {
			t.Errorf("unify(%s, %s) = %v, %v; want %v", c.a, c.b, got, ok, c.want)
		}
	}
}

// TestRealFileWithADuplicateColumnFailsInitNamingIt: a Parquet file (as Spark or a hand-built
// writer can produce) with two top-level columns named "id" goes through discovery, and Init
// fails naming the object and the column.
func TestRealFileWithADuplicateColumnFailsInitNamingIt(t *testing.T) {
	dup := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "id", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, dup)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).Append(1)
	b.Field(1).(*array.StringBuilder).Append("one")
	rec := b.NewRecordBatch()
	defer rec.Release()
	s3 := startS3(t)
	s3.CreateBucket("dups")
	s3.Put("dups", "t/good.parquet", writeParquet(t, recordOf(t, arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64}, int64(2)), 10))
	s3.Put("dups", "t/two-ids.parquet", writeParquet(t, rec, 10))
	_, err := initPlugin(t, s3.specJSON("dups", ""))
	if err == nil || !strings.Contains(err.Error(), `t/two-ids.parquet has two columns named "id"`) {
		t.Fatalf("want Init to fail naming t/two-ids.parquet and the column, got %v", err)
	}
}
