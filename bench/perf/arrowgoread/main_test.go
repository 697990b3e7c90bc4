package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// writeFile writes rows of the fixture rows (every type the plugin maps) as a snappy file of
// several row groups and dictionary pages, and returns its bytes.
func writeFile(t *testing.T, path string, rows int64) []byte {
	t.Helper()
	data, err := parquetgen.Write(parquetgen.Rows(0, rows), parquetgen.Layout{Codec: compress.Codecs.Snappy, Dictionary: true, RowGroupRows: 1_000})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return data
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
