package client

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
)

func TestCanonicalTypes(t *testing.T) {
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.LargeString}
	berlin := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "Europe/Berlin"}
	cases := []struct {
		in   arrow.DataType
		want string
	}{
		{arrow.FixedWidthTypes.Duration_us, "int64"},
		{arrow.BinaryTypes.LargeString, "utf8"},
		{arrow.BinaryTypes.LargeBinary, "binary"},
		{dict, "utf8"},
		{arrow.LargeListOf(arrow.BinaryTypes.LargeString), "list<item: utf8, nullable>"},
		{arrow.ListOf(arrow.FixedWidthTypes.Duration_s), "list<item: int64, nullable>"},
		{arrow.StructOf(arrow.Field{Name: "d", Type: dict, Nullable: true}), "struct<d: utf8 nullable>"},
		{arrow.MapOf(arrow.BinaryTypes.LargeString, arrow.PrimitiveTypes.Int64), "map<utf8, int64, items_nullable>"},
		// Unchanged: the reader returns these as they are.
		{berlin, "timestamp[ms, tz=Europe/Berlin]"},
		{arrow.ListOf(arrow.BinaryTypes.String), "list<item: utf8, nullable>"},
		{&arrow.Decimal128Type{Precision: 10, Scale: 2}, "decimal(10, 2)"},
	}
	for _, c := range cases {
		got, _ := arrowschema.CanonicalType(c.in)
		if got.String() != c.want {
			t.Errorf("%s: got %s, want %s", c.in, got, c.want)
		}
	}
}

func TestCanonicalFieldRecordsTheOriginalTypeOfTopLevelColumns(t *testing.T) {
	f, changed := arrowschema.CanonicalField(arrow.Field{Name: "elapsed", Type: arrow.FixedWidthTypes.Duration_ns, Nullable: true}, true)
	if !changed || f.Type.ID() != arrow.INT64 {
		t.Fatalf("got %v changed=%v", f, changed)
	}
	if got := arrowschema.DescribeConversion(f); got != "Arrow duration[ns] in the Parquet files: the number of nanoseconds" {
		t.Fatalf("description: %q", got)
	}
	if _, changed := arrowschema.CanonicalField(arrow.Field{Name: "n", Type: arrow.PrimitiveTypes.Int64}, true); changed {
		t.Fatal("an int64 column must be left alone")
	}
}

func TestArrowSchemaHintRoundTrip(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{{Name: "d", Type: arrow.FixedWidthTypes.Duration_ms, Nullable: true}}, nil)
	back, err := arrowschema.DecodeHints(arrowschema.EncodeHints(sc))
	if err != nil || !back.Equal(sc) {
		t.Fatalf("got %v, %v", back, err)
	}
	if _, err := arrowschema.DecodeHints("not base64 !"); err == nil {
		t.Fatal("a corrupt hint must be reported, not decoded")
	}
}
