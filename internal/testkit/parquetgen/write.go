package parquetgen

import (
	"bytes"
	"maps"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Layout is how a fixture file is written.
type Layout struct {
	Codec        compress.Compression // default: uncompressed
	PageV2       bool                 // data page v2 instead of v1
	Dictionary   bool                 // dictionary-encode the columns
	RowGroupRows int64                // default 100
	PageBytes    int64                // data page size target; default 1 KiB (several pages per chunk)
}

// Write encodes rows as a Parquet file with the given layout.
func Write(rows []Row, l Layout) ([]byte, error) {
	rec := Record(rows)
	defer rec.Release()
	return WriteRecord(rec, l)
}

// WriteRecord encodes any record as a Parquet file with the given layout.
func WriteRecord(rec arrow.RecordBatch, l Layout) ([]byte, error) {
	opts := []parquet.WriterProperty{
		parquet.WithCompression(l.Codec),
		parquet.WithDictionaryDefault(l.Dictionary),
		parquet.WithMaxRowGroupLength(orDefault(l.RowGroupRows, 100)),
		parquet.WithDataPageSize(orDefault(l.PageBytes, 1<<10)),
	}
	if l.PageV2 {
		opts = append(opts, parquet.WithDataPageVersion(parquet.DataPageV2))
	}
	return Encode(rec, parquet.NewWriterProperties(opts...), nil)
}

// Encode writes rec as a Parquet file with props, adding keyValues to the footer's key-value
// metadata (in order of key) — e.g. an "ARROW:schema" hint the way pyarrow writes one.
func Encode(rec arrow.RecordBatch, props *parquet.WriterProperties, keyValues map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(rec.Schema(), &buf, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(keyValues)) {
		if err := w.AppendKeyValueMetadata(k, keyValues[k]); err != nil {
			return nil, err
		}
	}
	if err := w.Write(rec); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func orDefault(v, def int64) int64 {
	if v == 0 {
		return def
	}
	return v
}
