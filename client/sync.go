package client

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"
)

type syncer struct {
	api           *s3.Client
	bucket        string
	rowsPerRecord int64
	concurrency   int
	logger        zerolog.Logger
}

// run streams every object of the selected tables with at most `concurrency` objects in flight.
func (s *syncer) run(ctx context.Context, tables []*discoveredTable, res chan<- message.SyncMessage) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.concurrency)
	for _, t := range tables {
		sc := t.Table.ToArrowSchema()
		for _, obj := range t.Objects {
			g.Go(func() error {
				rows, err := s.syncObject(gctx, sc, obj, res)
				if err != nil {
					if gctx.Err() != nil {
						return gctx.Err()
					}
					s.logger.Warn().Str("table", t.Table.Name).Str("key", obj.Key).Int64("rows_read", rows).Err(err).Msg("object skipped")
					return nil
				}
				s.logger.Info().Str("table", t.Table.Name).Str("key", obj.Key).Int64("size", obj.Size).Int64("rows_read", rows).Msg("object synced")
				return nil
			})
		}
	}
	return g.Wait()
}

func (s *syncer) syncObject(ctx context.Context, sc *arrow.Schema, obj *parquetObject, res chan<- message.SyncMessage) (int64, error) {
	src := newObjectReader(ctx, s.api, s.bucket, obj.Key, obj.Size)
	pf, err := file.NewParquetReader(src, file.WithMetadata(obj.Metadata), file.WithReadProps(readerProperties()))
	if err != nil {
		return 0, fmt.Errorf("opening Parquet object: %w", err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: s.rowsPerRecord}, memory.DefaultAllocator)
	if err != nil {
		return 0, fmt.Errorf("reading Parquet schema: %w", err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return 0, fmt.Errorf("reading Parquet rows: %w", err)
	}
	defer rr.Release()
	var rows int64
	for {
		rec, err := rr.Read()
		if rec != nil && rec.NumRows() > 0 {
			rows += s.emit(ctx, sc, rec, res)
		}
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			if isNotFound(err) {
				return rows, fmt.Errorf("object was deleted after listing: %w", err)
			}
			return rows, err
		}
		if rec == nil {
			return rows, nil
		}
	}
}

// emit sends rec under the table's schema, split so no record exceeds rowsPerRecord rows.
func (s *syncer) emit(ctx context.Context, sc *arrow.Schema, rec arrow.RecordBatch, res chan<- message.SyncMessage) int64 {
	n := rec.NumRows()
	for start := int64(0); start < n; start += s.rowsPerRecord {
		part := rec.NewSlice(start, min(start+s.rowsPerRecord, n))
		out := conformRecord(sc, part)
		part.Release()
		select {
		case res <- &message.SyncInsert{Record: out}:
		case <-ctx.Done():
			return start
		}
	}
	return n
}

// readerProperties reads column chunks as buffered 1 MiB streams instead of whole.
func readerProperties() *parquet.ReaderProperties {
	props := parquet.NewReaderProperties(nil)
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	return props
}
