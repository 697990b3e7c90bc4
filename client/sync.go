package client

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"
)

// syncer streams the objects of the selected tables. Each object ends in exactly one of three
// ways: delivered whole (every row of its footer, once), skipped with zero rows and a warning
// (a *skippableError before its first row, spec.strict off), or failing the sync with an error
// naming it. The first failure cancels the objects still in flight.
type syncer struct {
	store       *objectStore
	spec        *Spec
	concurrency int
	rowLimit    int64
	budget      *memoryBudget
	buffers     *pageBuffers // the Parquet reader's, recycled across objects (page_buffers.go)
	stats       *syncStats
	logger      zerolog.Logger
}

func (s *syncer) run(ctx context.Context, tables []*discoveredTable, res chan<- message.SyncMessage) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.concurrency)
	for _, t := range tables {
		sc := recordSchema(t.Table)
		for _, obj := range t.Objects {
			if gctx.Err() != nil {
				break
			}
			g.Go(func() error { return s.syncObject(gctx, t, sc, obj, res) })
		}
	}
	err := g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return err
}

func (s *syncer) syncObject(ctx context.Context, t *discoveredTable, sc *arrow.Schema, obj *parquetObject, res chan<- message.SyncMessage) (err error) {
	out := &recordSender{
		ctx: ctx, res: res, timeout: s.spec.sendTimeout, schema: sc,
		maxRows: int64(*s.spec.RowsPerRecord), maxBytes: *s.spec.MaxRecordBytes, rowLimit: s.rowLimit,
		ids: newRowIDs(s.store.bucket, obj),
	}
	defer func() {
		// Not the decoder (that is a content error): a bug here fails the sync, not the process.
		if r := recover(); r != nil {
			s.logger.Error().Str("key", obj.Key).Bytes("stack", debug.Stack()).Msg("internal error")
			err = fmt.Errorf("table %s: s3://%s/%s: internal error: %v", t.Table.Name, s.store.bucket, obj.Key, r)
		}
	}()
	if obj.plan == nil { // schema: sample: the footer is read, and checked, only now (schema_mode.go)
		defer t.forgetFooter(obj)
	}
	read, held, src, err := s.open(ctx, t, obj)
	if err != nil {
		return s.outcome(ctx, t, obj, out, err)
	}
	defer held.release()
	defer src.close()
	if !obj.plan.whole {
		src.checksums = newStreamChecksums(obj.plan.chunks)
	}
	grow := func(extra int64) error { return held.grow(ctx, extra) }
	err = s.decode(ctx, src, obj.plan.whole, read.batch, grow, out)
	if err != nil && src.failure() != nil {
		err = src.failure() // what really happened, whatever the Parquet library made of it
	}
	return s.outcome(ctx, t, obj, out, err)
}

// open reserves what reading the object holds and starts its reader.
func (s *syncer) open(ctx context.Context, t *discoveredTable, obj *parquetObject) (objectRead, *reservation, *objectReader, error) {
	if obj.plan == nil {
		if obj.Size <= wholeObjectLimit(*s.spec.MemoryBudget) {
			return s.openWholeSampled(ctx, t, obj)
		}
		if err := s.readFooter(ctx, t, obj); err != nil {
			return objectRead{}, nil, nil, err
		}
	}
	read := planObjectRead(obj, s.spec)
	held, err := s.budget.reserve(ctx, read.reserve)
	if err != nil {
		return read, nil, nil, err // the sync was cancelled while this object waited for memory
	}
	return read, held, newPlannedReader(ctx, s.store, obj, read.ranges, read.ahead), nil
}

// outcome ends an object's sync: delivered, skipped (before its first row) or failing the sync.
func (s *syncer) outcome(ctx context.Context, t *discoveredTable, obj *parquetObject, out *recordSender, err error) error {
	switch {
	case err == nil:
		s.stats.synced.Add(1)
		s.stats.rows.Add(out.rows)
		s.logger.Debug().Str("table", t.Table.Name).Str("key", obj.Key).Int64("rows", out.rows).Msg("object synced")
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case isSkippable(err) && out.rows == 0 && !s.spec.Strict:
		s.skip(t, obj, err)
		return nil
	}
	s.stats.failed.Add(1)
	s.stats.rows.Add(out.rows)
	return objectFailure(t.Table.Name, s.store.bucket, obj.Key, out.rows, s.spec.Strict, err)
}

// decode parses the object's footer again (discovery kept only its read plan) and decodes it.
// An object fetched whole first has its page checksums verified (one read in ranges has them
// verified as it is read, stream_checksums.go); every object reserves what its dictionaries
// need as the decoder reaches their row groups (dictionary_budget.go).
func (s *syncer) decode(ctx context.Context, src *objectReader, whole bool, batch batchSize, grow func(int64) error, out *recordSender) error {
	pf, err := openParquet(src, s.buffers)
	if err != nil {
		return err
	}
	defer pf.Close()
	if whole {
		if err := verifyPageChecksums(pf, src.peek); err != nil {
			return err
		}
	}
	dicts, err := newDictionaryBudget(pf, src.peekOrFetch, src.obj.Size, s.buffers, batch, grow)
	if err != nil {
		return err
	}
	defer dicts.close()
	batch.rowFloor = dicts.rowFloor
	if err := canonicalFooter(pf); err != nil {
		return err
	}
	return decodeRecords(ctx, pf, batch, out.send)
}

func (s *syncer) skip(t *discoveredTable, obj *parquetObject, err error) {
	var se *skippableError
	errors.As(err, &se)
	s.stats.skip(skippedObject{Key: obj.Key, Table: t.Table.Name, Reason: se.reason})
	logPanicStack(s.logger, obj.Key, err)
	s.logger.Warn().Str("table", t.Table.Name).Str("key", obj.Key).Str("reason", se.reason).Err(err).Msg("object skipped")
}

// objectFailure is the sync's error for one object: it names the table, the object and,
// when rows were already sent, how many — the destination has them and cannot take them back.
func objectFailure(table, bucket, key string, rowsSent int64, strict bool, err error) error {
	var s3Err *s3Error
	if errors.As(err, &s3Err) {
		return fmt.Errorf("table %s: %w", table, err) // already names s3://bucket/key and the cause
	}
	where := fmt.Sprintf("table %s: s3://%s/%s", table, bucket, key)
	switch {
	case rowsSent > 0 && isSkippable(err):
		return fmt.Errorf("%s: content error after %d of its rows were sent (an object is delivered whole or not at all, so the sync fails): %w", where, rowsSent, err)
	case strict && isSkippable(err):
		return fmt.Errorf("%s: %w (spec.strict is on: unreadable objects fail the sync)", where, err)
	}
	return fmt.Errorf("%s: %w", where, err)
}

// logPanicStack logs, at debug level, the stack of a panic recovered while decoding.
func logPanicStack(logger zerolog.Logger, key string, err error) {
	var pe *panicError
	if errors.As(err, &pe) {
		logger.Debug().Str("key", key).Str("stack", string(pe.stack)).Msg("recovered panic in the Parquet decoder")
	}
}
