package client

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"github.com/cq-source-s3/cq-source-s3/internal/parquetread"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"
)

// syncer streams the objects of the selected tables. Each object ends in exactly one of three
// ways: delivered whole (every row of its footer, once), skipped with zero rows and a warning
// (a *parquetread.SkippableError before its first row, spec.strict off), or failing the sync
// with an error naming it. The first failure cancels the objects still in flight.
type syncer struct {
	store       *s3store.Store
	spec        *Settings
	concurrency int
	rowLimit    int64
	reader      *parquetread.Reader // shares the memory budget among the objects in flight
	stats       *syncStats
	logger      zerolog.Logger
}

func (s *syncer) run(ctx context.Context, tables []*discoveredTable, res chan<- message.SyncMessage) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.concurrency)
	for _, t := range tables {
		sc := arrowschema.RecordSchema(t.Table)
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
		ctx: ctx, res: res, timeout: s.spec.SendTimeout, schema: sc,
		maxRows: int64(s.spec.RowsPerRecord), maxBytes: s.spec.MaxRecordBytes, rowLimit: s.rowLimit,
		ids: newRowIDs(s.store.Bucket, obj),
	}
	defer func() {
		// Not the decoder (that is a content error): a bug here fails the sync, not the process.
		if r := recover(); r != nil {
			s.logger.Error().Str("key", obj.Key).Bytes("stack", debug.Stack()).Msg("internal error")
			err = fmt.Errorf("table %s: s3://%s/%s: internal error: %v", t.Table.Name, s.store.Bucket, obj.Key, r)
		}
	}()
	if obj.plan == nil { // schema: sample: the footer is read, and checked, only now (schema_mode.go)
		check := func(sc *arrow.Schema) error { return t.checkAgainstSample(obj.Key, sc) }
		err = s.reader.ReadCheckedObject(ctx, obj.Object, wholeObjectLimit(s.spec.MemoryBudget), check, out.send)
	} else {
		err = s.reader.ReadObject(ctx, obj.Object, obj.plan, out.send)
	}
	switch {
	case err == nil:
		s.stats.synced.Add(1)
		s.stats.rows.Add(out.rows)
		s.logger.Debug().Str("table", t.Table.Name).Str("key", obj.Key).Int64("rows", out.rows).Msg("object synced")
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case parquetread.IsSkippable(err) && out.rows == 0 && !s.spec.Strict:
		s.skip(t, obj, err)
		return nil
	}
	s.stats.failed.Add(1)
	s.stats.rows.Add(out.rows)
	return objectFailure(t.Table.Name, s.store.Bucket, obj.Key, out.rows, s.spec.Strict, err)
}

func (s *syncer) skip(t *discoveredTable, obj *parquetObject, err error) {
	var se *parquetread.SkippableError
	errors.As(err, &se)
	s.stats.skip(skippedObject{Key: obj.Key, Table: t.Table.Name, Reason: se.Reason})
	logPanicStack(s.logger, obj.Key, err)
	s.logger.Warn().Str("table", t.Table.Name).Str("key", obj.Key).Str("reason", se.Reason).Err(err).Msg("object skipped")
}

// objectFailure is the sync's error for one object: it names the table, the object and,
// when rows were already sent, how many — the destination has them and cannot take them back.
func objectFailure(table, bucket, key string, rowsSent int64, strict bool, err error) error {
	var s3Err *s3store.Error
	if errors.As(err, &s3Err) {
		return fmt.Errorf("table %s: %w", table, err) // already names s3://bucket/key and the cause
	}
	where := fmt.Sprintf("table %s: s3://%s/%s", table, bucket, key)
	switch {
	case rowsSent > 0 && parquetread.IsSkippable(err):
		return fmt.Errorf("%s: content error after %d of its rows were sent (an object is delivered whole or not at all, so the sync fails): %w", where, rowsSent, err)
	case strict && parquetread.IsSkippable(err):
		return fmt.Errorf("%s: %w (spec.strict is on: unreadable objects fail the sync)", where, err)
	}
	return fmt.Errorf("%s: %w", where, err)
}

// logPanicStack logs, at debug level, the stack of a panic recovered while decoding.
func logPanicStack(logger zerolog.Logger, key string, err error) {
	var pe *parquetread.PanicError
	if errors.As(err, &pe) {
		logger.Debug().Str("key", key).Str("stack", string(pe.Stack)).Msg("recovered panic in the Parquet decoder")
	}
}
