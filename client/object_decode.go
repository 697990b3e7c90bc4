package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// The Parquet side of reading an object, independent of S3 so that tests and the fuzz
// target run exactly what a sync runs. Errors from the Parquet library are content errors
// (*skippableError); a panic in it is one too, carrying its stack. The caller must still
// prefer the source's own failure (objectReader.failure) over whatever the library said.

// panicError is a panic recovered while decoding an object.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

func recoverDecode(err *error) {
	if r := recover(); r != nil {
		*err = skippable("the Parquet decoder failed", &panicError{value: r, stack: debug.Stack()})
	}
}

// openParquet parses an object's footer (or reuses md, the footer read during discovery).
func openParquet(src parquet.ReaderAtSeeker, md *metadata.FileMetaData) (pf *file.Reader, err error) {
	defer recoverDecode(&err)
	opts := []file.ReadOption{file.WithReadProps(readerProperties())}
	if md != nil {
		opts = append(opts, file.WithMetadata(md))
	}
	pf, err = file.NewParquetReader(src, opts...)
	if err != nil {
		return nil, skippable("not a readable Parquet file", err)
	}
	return pf, nil
}

// arrowSchema rewrites the opened file's footer to this plugin's canonical Arrow types
// (canonicalizeArrowHints; the sync then decodes with the same footer) and returns its
// Arrow schema, or a content error.
func arrowSchema(pf *file.Reader) (sc *arrow.Schema, err error) {
	defer recoverDecode(&err)
	md := pf.MetaData()
	canonicalizeArrowHints(md)
	sc, err = pqarrow.FromParquet(md.Schema, &pqarrow.ArrowReadProperties{}, md.KeyValueMetadata())
	if err != nil {
		return nil, skippable("unsupported Parquet schema", err)
	}
	return sc, nil
}

// decodeRecords reads every row of pf, in order, in records of at most batchRows rows, and
// passes each to emit. Errors returned by emit come back unchanged.
//
// It decodes one record ahead of what it emits, and compares the rows decoded with the
// footer's row count and per-column value counts before emitting the last record: an object that fits in one record is
// decoded whole, and found complete, before any of its rows is sent.
func decodeRecords(ctx context.Context, pf *file.Reader, batchRows int64, emit func(arrow.RecordBatch) error) (err error) {
	defer recoverDecode(&err)
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: batchRows}, memory.DefaultAllocator)
	if err != nil {
		return skippable("unsupported Parquet schema", err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return skippable("not a readable Parquet file", err)
	}
	defer rr.Release()
	var held arrow.RecordBatch
	defer func() {
		if held != nil {
			held.Release()
		}
	}()
	var rows int64
	var values valueCounter
	for {
		rec, err := rr.Read()
		if err != nil && !errors.Is(err, io.EOF) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return skippable("not a readable Parquet file", err)
		}
		if rec != nil && rec.NumRows() > 0 {
			if held != nil {
				if err := emit(held); err != nil {
					return err
				}
				held.Release()
			}
			rec.Retain()
			held, rows = rec, rows+rec.NumRows()
			values.add(rec)
		}
		if err != nil || rec == nil {
			break
		}
	}
	if want := pf.NumRows(); rows != want {
		return skippable("not a readable Parquet file", fmt.Errorf("decoded %d rows, the footer says %d", rows, want))
	}
	if err := values.check(pf.MetaData()); err != nil {
		return skippable("not a readable Parquet file", err)
	}
	if held == nil {
		return nil
	}
	return emit(held)
}

// readerProperties reads column chunks as buffered 1 MiB streams instead of whole.
func readerProperties() *parquet.ReaderProperties {
	props := parquet.NewReaderProperties(nil)
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	return props
}
