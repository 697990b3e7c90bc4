package client

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/rs/zerolog"
)

// nested wraps int64 in n layers made by wrap.
func nested(n int, wrap func(arrow.DataType) arrow.DataType) arrow.DataType {
	dt := arrow.DataType(arrow.PrimitiveTypes.Int64)
	for range n {
		dt = wrap(dt)
	}
	return dt
}

var wrappers = map[string]func(arrow.DataType) arrow.DataType{
	"list": func(dt arrow.DataType) arrow.DataType { return arrow.ListOf(dt) },
	"struct": func(dt arrow.DataType) arrow.DataType {
		return arrow.StructOf(arrow.Field{Name: "f", Type: dt, Nullable: true})
	},
	"fixed": func(dt arrow.DataType) arrow.DataType { return arrow.FixedSizeListOf(1, dt) },
}

// checkEncodable agrees with what the SDK's encoder really does, on both sides of its limit.
func TestCheckEncodableMatchesTheSDKEncoder(t *testing.T) {
	for name, wrap := range wrappers {
		for n := 20; n <= ipcMaxNesting+1; n++ {
			sc := arrow.NewSchema([]arrow.Field{{Name: "deep", Type: nested(n, wrap), Nullable: true}}, nil)
			rec := array.NewRecordBatch(sc, []arrow.Array{array.MakeArrayOfNull(memory.DefaultAllocator, sc.Field(0).Type, 3)}, 3)
			_, encErr := pb.RecordToBytes(rec)
			checkErr := checkEncodable(sc)
			if (encErr == nil) != (checkErr == nil) {
				t.Fatalf("%s nested %d deep: the SDK's encoder says %v, checkEncodable says %v", name, n, encErr, checkErr)
			}
			if checkErr != nil && !strings.Contains(checkErr.Error(), `column "deep" nests`) {
				t.Fatalf("the error must name the column: %v", checkErr)
			}
		}
	}
}

// Maps within maps are refused past maxNestedMaps, and that many still encode.
func TestCheckEncodableBoundsNestedMaps(t *testing.T) {
	wrap := func(dt arrow.DataType) arrow.DataType { return arrow.MapOf(arrow.BinaryTypes.String, dt) }
	ok := arrow.NewSchema([]arrow.Field{{Name: "m", Type: nested(maxNestedMaps, wrap), Nullable: true}}, nil)
	if err := checkEncodable(ok); err != nil {
		t.Fatalf("%d nested maps must pass: %v", maxNestedMaps, err)
	}
	rec := array.NewRecordBatch(ok, []arrow.Array{array.MakeArrayOfNull(memory.DefaultAllocator, ok.Field(0).Type, 3)}, 3)
	if _, err := pb.RecordToBytes(rec); err != nil {
		t.Fatalf("the SDK's encoder fails on %d nested maps: %v", maxNestedMaps, err)
	}
	tooMany := arrow.NewSchema([]arrow.Field{{Name: "m", Type: arrow.ListOf(nested(maxNestedMaps+1, wrap)), Nullable: true}}, nil)
	if err := checkEncodable(tooMany); err == nil || !strings.Contains(err.Error(), `column "m" nests 13 maps`) {
		t.Fatalf("want 13 nested maps refused, got %v", err)
	}
}

// A Parquet object with structs nested 200 deep is skipped at Init, named with its column
// (strict: Init fails naming both), instead of failing the sync at its first record. (Lists of
// lists are sent as JSON, so depth in lists alone no longer reaches the encoder's limit.)
func TestTooDeepObjectIsRefusedAtInit(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "deep", Type: nested(200, wrappers["struct"]), Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for i := range 20 {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).AppendNull()
	}
	rec := b.NewRecordBatch()
	s3 := startS3(t)
	s3.CreateBucket("lake")
	s3.Put("lake", "deep/a.parquet", writeParquet(t, rec, 1000))
	s3.Put("lake", "flat/a.parquet", writeParquet(t, int64Record(t, "n", 1, 2, 3), 1000))

	var logs bytes.Buffer
	c, err := New(context.Background(), zerolog.New(&logs), s3.specJSON("lake", ""), plugin.NewClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if skipped := c.(*Client).found.skipped; len(skipped) != 1 || skipped[0].Key != "deep/a.parquet" || skipped[0].Reason != "column nested too deep to send" {
		t.Fatalf("want deep/a.parquet skipped, got %+v", skipped)
	}
	if !strings.Contains(logs.String(), `column \"deep\" nests 200 levels`) {
		t.Fatalf("the warning must name the column and its depth:\n%s", logs.String())
	}
	_, err = New(context.Background(), zerolog.Nop(), s3.specJSON("lake", `,"strict":true`), plugin.NewClientOptions{})
	if err == nil || !strings.Contains(err.Error(), "s3://lake/deep/a.parquet") || !strings.Contains(err.Error(), `column "deep" nests 200 levels`) {
		t.Fatalf("strict: want Init to fail naming the object and the column, got %v", err)
	}
}
