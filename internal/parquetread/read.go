// Package parquetread reads Parquet objects from S3 (docs/scale.md, "Requests" and "Memory"):
// at discovery, an object's footer (ReadFooter: its Arrow schema and a read Plan); at Sync,
// every row of it under one memory budget shared by the objects in flight (Reader.ReadObject).
// It knows nothing of the plugin: errors are content errors (*SkippableError), an
// *s3store.Error, or the context's.
package parquetread

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
)

// Options are what reading needs of the plugin's settings.
type Options struct {
	// MemoryBudget bounds the bytes of object data and decoding buffers held at once by all
	// objects one Reader reads (memory_budget.go).
	MemoryBudget int64
	// RowsPerRecord: decoded batches are a multiple of it, so the records cut from them are full.
	RowsPerRecord int
}

// ReadFooter reads obj's footer (one ranged GET of its tail, usually): its Arrow schema with
// CloudQuery's types (cq_types.go) and how Sync reads it. An object up to wholeBytes is
// planned to be fetched whole. The reader's own failure, if any, wins over the footer's content.
func ReadFooter(ctx context.Context, store *s3store.Store, obj s3store.Object, wholeBytes int64) (*arrow.Schema, *Plan, error) {
	src := newObjectReader(ctx, store, &obj)
	return parseFooter(src, src, obj.Size <= wholeBytes)
}

// parseFooter reads a footer through in (src itself, or a view of src's bytes): src's failure,
// if any, is what went wrong, else the footer's content.
func parseFooter(in parquet.ReaderAtSeeker, src *objectReader, whole bool) (*arrow.Schema, *Plan, error) {
	var sc *arrow.Schema
	var plan *Plan
	pf, err := openParquet(in, nil)
	if err == nil {
		sc, err = arrowSchema(pf)
		plan = newReadPlan(pf.MetaData(), src.obj.Size, whole)
	}
	if f := src.failure(); f != nil {
		return nil, nil, f
	}
	return sc, plan, err
}

// Reader reads the objects of one sync: they share its memory budget and its recycled page
// buffers. Its methods may be called from many goroutines.
type Reader struct {
	store   *s3store.Store
	opts    Options
	budget  *memoryBudget
	buffers *pageBuffers // the Parquet reader's, recycled across objects (page_buffers.go)
}

// NewReader is the reader of one sync's objects under opts.
func NewReader(store *s3store.Store, opts Options) *Reader {
	return &Reader{store: store, opts: opts, budget: newMemoryBudget(opts.MemoryBudget), buffers: newPageBuffers(opts.MemoryBudget)}
}

// ReadObject passes every row of obj, read by its plan, to emit in order. It first waits until
// the budget has room for what reading obj holds (read_plan.go). Errors emit returns come
// back unchanged; the others are the reader's first failure when it had one (what really
// happened, whatever the Parquet library made of it), else the decoder's content error.
func (r *Reader) ReadObject(ctx context.Context, obj s3store.Object, plan *Plan, emit func(arrow.RecordBatch) error) error {
	read := planObjectRead(&obj, plan, r.opts)
	held, err := r.budget.reserve(ctx, read.reserve)
	if err != nil {
		return err // the sync was cancelled while this object waited for memory
	}
	defer held.release()
	src := newPlannedReader(ctx, r.store, &obj, read.ranges, read.ahead)
	defer src.close()
	if !plan.whole {
		src.checksums = newStreamChecksums(plan.chunks)
	}
	return r.decodeHeld(ctx, src, plan.whole, read.batch, held, emit)
}

// decodeHeld decodes what src reads under the reservation held, which grows as the object's
// dictionaries need; the reader's own failure, if any, wins over what the Parquet library made of it.
func (r *Reader) decodeHeld(ctx context.Context, src *objectReader, whole bool, batch batchSize, held *reservation, emit func(arrow.RecordBatch) error) error {
	grow := func(extra int64) error { return held.grow(ctx, extra) }
	err := r.decode(ctx, src, whole, batch, grow, emit)
	if err != nil && src.failure() != nil {
		err = src.failure()
	}
	return err
}

// decode parses the object's footer again (discovery kept only its read plan) and decodes it.
// An object fetched whole first has its page checksums verified (one read in ranges has them
// verified as it is read, stream_checksums.go); every object reserves what its dictionaries
// need as the decoder reaches their row groups (dictionary_budget.go).
func (r *Reader) decode(ctx context.Context, src *objectReader, whole bool, batch batchSize, grow func(int64) error, emit func(arrow.RecordBatch) error) error {
	pf, err := openParquet(src, r.buffers)
	if err != nil {
		return err
	}
	defer pf.Close()
	if whole {
		if err := verifyPageChecksums(pf, src.peek); err != nil {
			return err
		}
	}
	dicts, err := newDictionaryBudget(pf, src.peekOrFetch, src.obj.Size, r.buffers, batch, grow)
	if err != nil {
		return err
	}
	defer dicts.close()
	batch.rowFloor = dicts.rowFloor
	if err := canonicalFooter(pf); err != nil {
		return err
	}
	return decodeRecords(ctx, pf, batch, emit)
}
