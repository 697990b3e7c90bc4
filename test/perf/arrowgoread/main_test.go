package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

func writeFile(t *testing.T, path string, rows int) []byte {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "name", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for i := range rows {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(strings.Repeat("x", i%7))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	if err := pqarrow.WriteTable(array.NewTableFromRecords(sc, []arrow.RecordBatch{rec}), &buf, 1_000, nil, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every row of every file is counted, in both modes, and other files are not read.
func TestReadAllCountsEveryRow(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.parquet"), 2_345)
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "sub", "b.parquet"), 1_001)
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not Parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, serialise := range []bool{false, true} {
		rows, err := readAll(serialise, dir)
		if err != nil || rows != 3_346 {
			t.Fatalf("serialise %v: %d rows (%v), want 3,346", serialise, rows, err)
		}
	}
}

// A truncated file or an empty directory is an error, never a smaller count.
func TestReadAllFailsOnBadInput(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, filepath.Join(dir, "a.parquet"), 100)
	if err := os.WriteFile(filepath.Join(dir, "cut.parquet"), data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if rows, err := readAll(false, dir); err == nil || !strings.Contains(err.Error(), "cut.parquet") {
		t.Fatalf("a truncated file: %d rows, error %v; want an error naming it", rows, err)
	}
	if _, err := readAll(false, t.TempDir()); err == nil || !strings.Contains(err.Error(), "no .parquet files") {
		t.Fatalf("an empty directory: %v", err)
	}
}
