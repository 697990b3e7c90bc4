package parquetread

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"golang.org/x/sync/errgroup"
)

// The Parquet side of reading an object, independent of S3 so that tests and the fuzz
// target run exactly what a sync runs. Errors from the Parquet library are content errors
// (*SkippableError); a panic in it is one too, carrying its stack. The caller must still
// prefer the source's own failure (objectReader.failure) over whatever the library said.

// PanicError is a panic recovered while decoding an object; Stack is where it happened.
type PanicError struct {
	value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

func recoverDecode(err *error) {
	if r := recover(); r != nil {
		*err = Skippable("the Parquet decoder failed", &PanicError{value: r, Stack: debug.Stack()})
	}
}

// openParquet parses an object's footer; the reader's own buffers come from alloc (nil: the
// Go allocator).
func openParquet(src parquet.ReaderAtSeeker, alloc memory.Allocator) (pf *file.Reader, err error) {
	defer recoverDecode(&err)
	pf, err = file.NewParquetReader(src, file.WithReadProps(readerProperties(alloc)))
	if err != nil {
		return nil, Skippable("not a readable Parquet file", err)
	}
	return pf, nil
}

// arrowSchema rewrites the opened file's footer to this plugin's canonical Arrow types
// (arrowschema.CanonicalizeHints; the sync then decodes with the same footer) and returns its
// Arrow schema with CloudQuery's types (cloudQueryFields), or a content error.
func arrowSchema(pf *file.Reader) (sc *arrow.Schema, err error) {
	defer recoverDecode(&err)
	md := pf.MetaData()
	arrowschema.CanonicalizeHints(md)
	sc, err = pqarrow.FromParquet(md.Schema, &pqarrow.ArrowReadProperties{}, md.KeyValueMetadata())
	if err != nil {
		return nil, Skippable("unsupported Parquet schema", err)
	}
	return cloudQueryFields(md.Schema, sc), nil
}

// canonicalFooter rewrites pf's footer to the canonical Arrow types as discovery did (the
// sync parses the footer again); a panic in it is a content error like any in the decoder.
func canonicalFooter(pf *file.Reader) (err error) {
	defer recoverDecode(&err)
	arrowschema.CanonicalizeHints(pf.MetaData())
	return nil
}

// batchSize is how decodeRecords sizes its batches: at most rows rows, and about bytes
// bytes once the first batch has shown how wide the rows decode (until then batches are sized
// from firstRowBytes, the footer's estimate, and hold at most firstRows rows when that is set).
// Batches larger than record rows are a multiple of it, so the records cut from them are full,
// except a batch that takes the rest of the object (total rows; the Parquet reader allocates
// for the rows it is asked for, so a batch never asks for more than the object has).
type batchSize struct {
	rows          int64
	firstRows     int64
	bytes         int64
	firstRowBytes int64
	// rowFloor, when set, is the least a row of rows [from, to) is counted for: what their
	// dictionary-encoded values can decode to (dictionaryBudget.rowFloor), however small the
	// rows measured so far.
	rowFloor func(from, to int64) (int64, error)
	record   int64
	total    int64
}

// outputBytes is what decoding batches of rows of rowBytes bytes holds (batchCopies of one).
func (b batchSize) outputBytes(rowBytes int64) int64 {
	return batchCopies * min(b.bytes, min(b.rows, max(b.total, 1))*max(rowBytes, 1))
}

// next is the row count of the batch after one of n rows that weighed size bytes, when done
// rows were decoded: sized without the row floor, then again with the floor of the rows that
// batch would span (a smaller batch spans no other rows).
func (b batchSize) next(n, size, done int64) (int64, error) {
	rows := b.nextAbove(0, n, size, done)
	if b.rowFloor == nil {
		return rows, nil
	}
	floor, err := b.rowFloor(done, done+rows)
	if err != nil {
		return 0, err
	}
	return b.nextAbove(floor, n, size, done), nil
}

// nextAbove is next with rows counted for at least floor bytes.
func (b batchSize) nextAbove(floor, n, size, done int64) int64 {
	perRow, most := max(b.firstRowBytes, floor), b.rows
	if n > 0 && size > 0 {
		perRow = max(size/n, floor, 1)
	} else if b.firstRows > 0 {
		most = min(most, b.firstRows)
	}
	rows := most
	if perRow > 0 && b.bytes > 0 {
		rows = max(min(most, b.bytes/perRow), 1)
	}
	if left := b.total - done; b.total > 0 && rows >= left {
		return max(left, 1)
	}
	if b.record > 0 && rows > b.record {
		rows -= rows % b.record
	}
	return rows
}

// decodeRecords reads every row of pf, in order, in batches sized by size, and passes each
// to emit. Errors returned by emit come back unchanged.
//
// It decodes one batch ahead of what it emits, and compares the rows decoded with the
// footer's row count and per-column value counts before emitting the last batch: an object
// that fits in one batch is decoded whole, and found complete, before any of its rows is sent.
func decodeRecords(ctx context.Context, pf *file.Reader, size batchSize, emit func(arrow.RecordBatch) error) (err error) {
	defer recoverDecode(&err)
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: size.rows}, memory.DefaultAllocator)
	if err != nil {
		return Skippable("unsupported Parquet schema", err)
	}
	br, err := newBatchReader(ctx, fr)
	if err != nil {
		return Skippable("not a readable Parquet file", err)
	}
	defer br.release()
	var held arrow.RecordBatch
	defer func() {
		if held != nil {
			held.Release()
		}
	}()
	var rows, lastRows, lastBytes int64
	var values valueCounter
	for {
		want, err := size.next(lastRows, lastBytes, rows)
		if err != nil {
			return err // the wait for budget for the next row group's dictionaries ended
		}
		rec, err := br.read(want)
		if err != nil && !errors.Is(err, io.EOF) {
			switch {
			case ctx.Err() != nil:
				return ctx.Err()
			case IsSkippable(err): // a panic recovered in a column's decoder
				return err
			}
			return Skippable("not a readable Parquet file", err)
		}
		if rec == nil {
			break
		}
		if held != nil {
			if err := emit(held); err != nil {
				rec.Release()
				return err
			}
			held.Release()
		}
		held, rows = rec, rows+rec.NumRows()
		lastRows, lastBytes = rec.NumRows(), RecordBytes(rec)
		values.add(rec)
	}
	if want := pf.NumRows(); rows != want {
		return Skippable("not a readable Parquet file", fmt.Errorf("decoded %d rows, the footer says %d", rows, want))
	}
	if err := values.check(pf.MetaData()); err != nil {
		return Skippable("not a readable Parquet file", err)
	}
	if held == nil {
		return nil
	}
	return emit(held)
}

// batchReader reads records of a chosen number of rows from every column of a file (the
// Parquet library's record reader only reads a fixed number).
type batchReader struct {
	sc   *arrow.Schema
	cols []*pqarrow.ColumnReader
}

func newBatchReader(ctx context.Context, fr *pqarrow.FileReader) (*batchReader, error) {
	sc, err := fr.Schema()
	if err != nil {
		return nil, err
	}
	br := &batchReader{sc: sc}
	for i := range sc.NumFields() {
		cr, err := fr.GetColumn(ctx, i)
		if err != nil {
			br.release()
			return nil, err
		}
		br.cols = append(br.cols, cr)
	}
	return br, nil
}

// read returns the next record of up to n rows, or nil at the end. The columns are decoded in
// parallel (one object may be all the budget lets run at once).
func (b *batchReader) read(n int64) (arrow.RecordBatch, error) {
	arrays := make([]arrow.Array, len(b.cols))
	defer func() {
		for _, a := range arrays {
			if a != nil {
				a.Release()
			}
		}
	}()
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, cr := range b.cols {
		g.Go(func() (err error) {
			defer recoverDecode(&err)
			chunked, err := cr.NextBatch(n)
			if err != nil {
				return err
			}
			defer chunked.Release()
			arrays[i], err = singleArray(chunked)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if len(arrays) == 0 {
		return nil, io.EOF
	}
	for i, a := range arrays {
		if a.Len() != arrays[0].Len() {
			return nil, fmt.Errorf("column %q decoded %d rows where column %q decoded %d", b.sc.Field(i).Name, a.Len(), b.sc.Field(0).Name, arrays[0].Len())
		}
	}
	if arrays[0].Len() == 0 {
		return nil, io.EOF
	}
	return array.NewRecordBatch(b.sc, arrays, int64(arrays[0].Len())), nil
}

func singleArray(c *arrow.Chunked) (arrow.Array, error) {
	switch len(c.Chunks()) {
	case 0:
		return array.MakeArrayOfNull(memory.DefaultAllocator, c.DataType(), 0), nil
	case 1:
		a := c.Chunk(0)
		a.Retain()
		return a, nil
	}
	return array.Concatenate(c.Chunks(), memory.DefaultAllocator)
}

func (b *batchReader) release() {
	for _, cr := range b.cols {
		cr.Release()
	}
}

// readerProperties reads column chunks through small buffers (the bytes are already in
// memory at Sync, see coalesced_reads.go), and decodes PLAIN pages larger than 1 MiB as a
// stream instead of whole, so one huge page does not need its whole decompressed size.
func readerProperties(alloc memory.Allocator) *parquet.ReaderProperties {
	props := parquet.NewReaderProperties(alloc)
	props.BufferedStreamEnabled = true
	props.BufferSize = readBufferBytes
	props.PageStreamingEnabled = true
	return props
}
