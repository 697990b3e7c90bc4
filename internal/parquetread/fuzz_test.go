package parquetread

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// FuzzDecodeObject feeds arbitrary bytes to what discovery and a sync run on an object. Any
// input must end in one of two ways: every row of the footer emitted, or a content error;
// never a panic, never another kind of error. Its seeds are committed in
// testdata/fuzz/FuzzDecodeObject (see TestFuzzSeedsAreCommitted).
func FuzzDecodeObject(f *testing.F) {
	buffers := newPageBuffers(64 << 20) // shared by the inputs, as a sync's objects share it
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := openParquet(bytes.NewReader(data), buffers)
		if err == nil {
			_, err = arrowSchema(pf)
		}
		var emitted int64
		if err == nil {
			err = decodeRecords(context.Background(), pf, batchSize{rows: 16}, func(rec arrow.RecordBatch) error {
				emitted += rec.NumRows()
				return nil
			})
		}
		switch {
		case err != nil && !IsSkippable(err):
			t.Fatalf("not a content error: %v", err)
		case err == nil && emitted != pf.NumRows():
			t.Fatalf("emitted %d rows, the footer says %d", emitted, pf.NumRows())
		}
	})
}

// fuzzSeeds are small intact files of every layout, and corrupt variants of them.
func fuzzSeeds() (map[string][]byte, error) {
	seeds := map[string][]byte{}
	layouts := map[string]parquetgen.Layout{
		"zstd-v1-dict": {Codec: compress.Codecs.Zstd, Dictionary: true, RowGroupRows: 20, PageBytes: 128},
		"zstd-v2":      {Codec: compress.Codecs.Zstd, PageV2: true, RowGroupRows: 20, PageBytes: 128},
		"snappy-v1":    {Codec: compress.Codecs.Snappy, RowGroupRows: 20, PageBytes: 128},
		"plain-v1":     {RowGroupRows: 20, PageBytes: 128},
	}
	for name, l := range layouts {
		data, err := parquetgen.Write(parquetgen.Rows(0, 40), l)
		if err != nil {
			return nil, err
		}
		seeds["intact-"+name] = data
	}
	hinted, err := hintedSeed()
	if err != nil {
		return nil, err
	}
	seeds["intact-arrow-schema-hint"] = hinted
	variants, err := parquetgen.Corpus(corpusSeed, 12)
	if err != nil {
		return nil, err
	}
	for _, v := range variants {
		seeds[v.Name] = v.Data
	}
	return seeds, nil
}

// hintedSeed is a file written the way pyarrow and arrow-rs write one: with the Arrow schema
// stored in the footer (ARROW:schema), carrying types that discovery rewrites (a duration —
// stored as int64, which arrow-go cannot write itself — large strings, a dictionary, a large
// list), so the fuzzer mutates that hint too.
func hintedSeed() ([]byte, error) {
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	fields := []arrow.Field{
		{Name: "elapsed", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "kind", Type: dict, Nullable: true},
		{Name: "tags", Type: arrow.LargeListOf(arrow.BinaryTypes.LargeString), Nullable: true},
	}
	written := arrow.NewSchema(fields, nil)
	fields[0].Type = arrow.FixedWidthTypes.Duration_ms
	hint := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, written)
	defer b.Release()
	for i := range 12 {
		b.Field(0).(*array.Int64Builder).Append(int64(i * 1500))
		b.Field(1).(*array.LargeStringBuilder).Append(fmt.Sprintf("name-%d", i))
		if err := b.Field(2).(*array.BinaryDictionaryBuilder).AppendString([]string{"a", "b", "c"}[i%3]); err != nil {
			return nil, err
		}
		tags := b.Field(3).(*array.LargeListBuilder)
		tags.Append(true)
		tags.ValueBuilder().(*array.LargeStringBuilder).Append(fmt.Sprintf("t%d", i))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return parquetgen.Encode(rec, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(6)), map[string]string{arrowschema.HintsKey: arrowschema.EncodeHints(hint)})
}

var updateFuzzSeeds = flag.Bool("update-fuzz-seeds", false, "rewrite testdata/fuzz/FuzzDecodeObject")

// TestFuzzSeedsAreCommitted keeps the committed seed corpus equal to fuzzSeeds().
func TestFuzzSeedsAreCommitted(t *testing.T) {
	seeds, err := fuzzSeeds()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeObject")
	if *updateFuzzSeeds {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range seeds {
		path := filepath.Join(dir, name)
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if *updateFuzzSeeds {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s is missing or stale: go test ./internal/parquetread -run TestFuzzSeedsAreCommitted -update-fuzz-seeds", path)
		}
	}
}
