// Package client discovers Parquet objects in an S3 bucket and syncs them as CloudQuery tables.
package client

import (
	"context"
	"fmt"
	"sync"

	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
	"github.com/cq-source-s3/cq-source-s3/internal/parquetread"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
	"github.com/rs/zerolog"
)

// Client holds one Init's spec and its discovery result, which serves both GetTables and Sync.
type Client struct {
	plugin.UnimplementedDestination
	spec   *Settings
	store  *s3store.Store
	logger zerolog.Logger
	tables []*discoveredTable
	// skipped are the objects discovery could not read; every sync's summary lists them.
	skipped []skippedObject

	finishMu sync.Mutex
	pending  *pendingSummary // the last sync's summary, until the SDK has sent all (sync_finish.go)
}

// New validates the spec, connects to S3 and runs discovery once. NoConnection (how the CLI
// initialises a source for `cloudquery tables` and `migrate`) changes nothing: this plugin's
// tables are the bucket's directories, so listing them needs the bucket (see noConnectionError).
func New(ctx context.Context, logger zerolog.Logger, specBytes []byte, opts plugin.NewClientOptions) (_ plugin.Client, err error) {
	defer func() { err = bounded.Error(err) }()
	spec, err := ParseSpec(specBytes)
	if err != nil {
		return nil, err
	}
	c, err := connect(ctx, logger, spec)
	if err != nil {
		if opts.NoConnection {
			return nil, noConnectionError(err)
		}
		return nil, err
	}
	return c, nil
}

// connect builds the S3 client and runs discovery: transport errors fail it naming the
// bucket (and key), content errors skip the object (or fail it under spec.strict).
func connect(ctx context.Context, logger zerolog.Logger, spec *Settings) (*Client, error) {
	api, retryer, err := newS3Client(ctx, spec)
	if err != nil {
		return nil, err
	}
	store := &s3store.Store{API: api, Bucket: spec.Bucket, Retryer: retryer, MaxAttempts: spec.MaxAttempts, OperationTimeout: spec.OperationTimeout, RequestTimeout: spec.RequestTimeout}
	c := &Client{spec: spec, store: store, logger: logger.With().Str("bucket", spec.Bucket).Logger()}
	limit, fromEnv := applyMemoryLimit(spec)
	c.logger.Debug().Int64("memory_budget", spec.MemoryBudget).Int64("go_memory_limit", limit).Bool("gomemlimit_from_env", fromEnv).Msg("memory")
	d := &discovery{store: store, prefix: spec.PathPrefix, concurrency: spec.Concurrency, strict: spec.Strict, wholeBytes: wholeObjectLimit(spec.MemoryBudget), sample: spec.Schema == schemaSample, logger: c.logger}
	if c.tables, c.skipped, err = d.run(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Client) Tables(_ context.Context, opts plugin.TableOptions) (schema.Tables, error) {
	if len(c.tables) == 0 {
		return schema.Tables{}, nil // discovery already warned; "*" matching nothing is not an error here
	}
	return c.allTables().FilterDfs(opts.Tables, opts.SkipTables, opts.SkipDependentTables)
}

func (c *Client) allTables() schema.Tables {
	all := make(schema.Tables, len(c.tables))
	for i, t := range c.tables {
		all[i] = t.Table
	}
	return all
}

// Sync sends the selected tables, then their rows (see syncer), and always ends with one
// summary log line. With backend_options it reads only the objects the tables' cursors want
// (incremental.go), and advances the cursors only when every row was sent.
// With a shard (`cloudquery sync --shard NUM/TOTAL`) it sends every selected table and only
// the rows of the objects that shard owns (shard.go).
func (c *Client) Sync(ctx context.Context, opts plugin.SyncOptions, res chan<- message.SyncMessage) (err error) {
	defer func() { err = bounded.Error(err) }()
	sh, err := parseShard(opts.Shard)
	if err != nil {
		return err
	}
	logger := c.logger
	if sh.sharded() {
		logger = logger.With().Str("shard", sh.String()).Logger()
	}
	selected, err := c.selectTables(ctx, opts)
	if err != nil {
		return err
	}
	if sh.sharded() {
		own := sh.tables(selected)
		logger.Info().Int("objects", countObjects(own)).Int("objects_discovered", countObjects(selected)).Msg("this shard's part of the selected tables")
		selected = own
	}
	stats := newSyncStats(selected, sh.skipped(c.skippedIn(opts)))
	bytesBefore := c.store.BytesRead.Load()
	var inc *incremental
	defer func() {
		bytes := c.store.BytesRead.Load() - bytesBefore
		if err == nil { // the cursors wait for the SDK to send every message (sync_finish.go)
			c.awaitFinish(ctx, inc, func(err error) { stats.log(logger, bytes, err) })
			return
		}
		inc.close()
		stats.log(logger, bytes, bounded.Error(err))
	}()
	inc, err = openIncremental(ctx, opts.BackendOptions, c.spec, selected, sh, logger)
	if err != nil {
		return err
	}
	toRead, unchanged, tooLate := inc.plan(selected)
	stats.unchanged, stats.tooLate = unchanged, tooLate
	for _, t := range selected {
		if err := send(ctx, res, &message.SyncMigrateTable{Table: t.Table}, c.spec.SendTimeout); err != nil {
			return err
		}
	}
	s := &syncer{store: c.store, spec: c.spec, concurrency: c.spec.Concurrency, rowLimit: maxRecordBytes, reader: parquetread.NewReader(c.store, c.spec.readOptions()), stats: stats, logger: logger}
	return s.run(ctx, toRead, res)
}

// selectTables resolves the sync's table patterns exactly as GetTables does.
func (c *Client) selectTables(ctx context.Context, opts plugin.SyncOptions) ([]*discoveredTable, error) {
	filtered, err := c.Tables(ctx, plugin.TableOptions{Tables: opts.Tables, SkipTables: opts.SkipTables, SkipDependentTables: opts.SkipDependentTables})
	if err != nil {
		return nil, fmt.Errorf("selecting tables: %w", err)
	}
	keep := map[string]bool{}
	for _, t := range filtered {
		keep[t.Name] = true
	}
	var out []*discoveredTable
	for _, t := range c.tables {
		if keep[t.Table.Name] {
			out = append(out, t)
		}
	}
	return out, nil
}

// skippedIn is the discovery skips whose table the sync's patterns select.
func (c *Client) skippedIn(opts plugin.SyncOptions) []skippedObject {
	var out []skippedObject
	for _, s := range c.skipped {
		if plugin.MatchesTable(s.Table, opts.Tables, opts.SkipTables) {
			out = append(out, s)
		}
	}
	return out
}

func (*Client) Close(context.Context) error { return nil }

// wholeObjectLimit is parquetread.WholeObjectLimit, a variable only so that tests can read
// small objects in ranges (readInRanges).
var wholeObjectLimit = parquetread.WholeObjectLimit
