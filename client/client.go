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

	mu sync.Mutex
	// found is the last discovery: made at Init with schema: union (and for `cloudquery
	// tables`/`migrate`), else by the first GetTables or Sync that needs it (discover).
	found *discoveryResult

	finishMu sync.Mutex
	pending  *pendingSummary // the last sync's summary, until the SDK has sent all (sync_finish.go)
}

// New validates the spec, connects to S3 and, with schema: union or for `cloudquery tables`
// and `migrate` (NoConnection), runs discovery. NoConnection changes nothing else: this
// plugin's tables are the bucket's directories, so listing them needs the bucket (see
// noConnectionError). With schema: sample a sync's Init only checks that the bucket can be
// listed: the Sync discovers, knowing its shard and state backend (schema_mode.go).
func New(ctx context.Context, logger zerolog.Logger, specBytes []byte, opts plugin.NewClientOptions) (_ plugin.Client, err error) {
	defer func() { err = bounded.Error(err) }()
	spec, err := ParseSpec(specBytes)
	if err != nil {
		return nil, err
	}
	c, err := connect(ctx, logger, spec, spec.Schema == schemaUnion || opts.NoConnection)
	if err != nil {
		if opts.NoConnection {
			return nil, noConnectionError(err)
		}
		return nil, err
	}
	return c, nil
}

// connect builds the S3 client and runs discovery (or only lists one key, unless discover):
// transport errors fail it naming the bucket (and key), content errors skip the object (or
// fail it under spec.strict).
func connect(ctx context.Context, logger zerolog.Logger, spec *Settings, discover bool) (*Client, error) {
	api, retryer, err := newS3Client(ctx, spec)
	if err != nil {
		return nil, err
	}
	store := &s3store.Store{API: api, Bucket: spec.Bucket, Retryer: retryer, MaxAttempts: spec.MaxAttempts, OperationTimeout: spec.OperationTimeout, RequestTimeout: spec.RequestTimeout}
	c := &Client{spec: spec, store: store, logger: logger.With().Str("bucket", spec.Bucket).Logger()}
	limit, fromEnv := applyMemoryLimit(spec)
	c.logger.Debug().Int64("memory_budget", spec.MemoryBudget).Int64("go_memory_limit", limit).Bool("gomemlimit_from_env", fromEnv).Msg("memory")
	if !discover {
		return c, s3store.NewLister(store, spec.PathPrefix, 1).Probe(ctx)
	}
	if _, err := c.discover(ctx, unsharded, nil); err != nil {
		return nil, err
	}
	return c, nil
}

// validated is the SDK's check of a source's tables (duplicate tables, duplicate columns),
// which Init does not make (plugin.Plugin() skips it: it would make Init discover).
func validated(found *discoveryResult, err error) (*discoveryResult, error) {
	if err != nil {
		return nil, err
	}
	tables := make(schema.Tables, len(found.tables))
	for i, t := range found.tables {
		tables[i] = t.Table
	}
	if err := tables.ValidateDuplicateTables(); err != nil {
		return nil, fmt.Errorf("found duplicate tables: %w", err)
	}
	if err := tables.ValidateDuplicateColumns(); err != nil {
		return nil, fmt.Errorf("found duplicate columns: %w", err)
	}
	return found, nil
}

func (c *Client) discovery() *discovery {
	return &discovery{store: c.store, prefix: c.spec.PathPrefix, concurrency: c.spec.Concurrency, strict: c.spec.Strict, wholeBytes: wholeObjectLimit(c.spec.MemoryBudget), sample: c.spec.Schema == schemaSample, logger: c.logger}
}

// discover returns a discovery that holds shard sh's objects: the last one if it does, else a
// new one — of every object (sh unsharded: GetTables, or Sync with schema: union) or, with
// schema: sample, of sh's objects only, with the samples from manifests where they can be.
func (c *Client) discover(ctx context.Context, sh shard, manifests *schemaManifests) (*discoveryResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.found; f != nil && (f.complete() || f.shard == sh) {
		return f, nil
	}
	d := c.discovery()
	before := liveHeap()
	var err error
	var found *discoveryResult
	if d.sample {
		found, err = validated(d.sampledDiscovery(ctx, sh, manifests))
	} else {
		found, err = validated(d.run(ctx))
	}
	if err != nil {
		return nil, err
	}
	c.found = found
	fitMemoryLimit(c.spec, liveHeap()-before, c.logger)
	return found, nil
}

func (c *Client) Tables(ctx context.Context, opts plugin.TableOptions) (schema.Tables, error) {
	found, err := c.discover(ctx, unsharded, nil)
	if err != nil {
		return nil, err
	}
	return filterTables(found, opts)
}

func filterTables(found *discoveryResult, opts plugin.TableOptions) (schema.Tables, error) {
	if len(found.tables) == 0 {
		return schema.Tables{}, nil // discovery already warned; "*" matching nothing is not an error here
	}
	all := make(schema.Tables, len(found.tables))
	for i, t := range found.tables {
		all[i] = t.Table
	}
	return all.FilterDfs(opts.Tables, opts.SkipTables, opts.SkipDependentTables)
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
	st, err := openState(ctx, opts.BackendOptions)
	if err != nil {
		return err
	}
	var inc *incremental
	defer func() {
		if inc == nil && st != nil && err != nil {
			_ = st.Close()
		}
	}()
	found, err := c.discover(ctx, sh, newSchemaManifests(st, c.spec.Bucket, logger))
	if err != nil {
		return err
	}
	selected, err := selectTables(found, opts)
	if err != nil {
		return err
	}
	if sh.sharded() {
		own := selected
		if found.complete() {
			own = sh.tables(selected)
		}
		logger.Info().Int("objects", countObjects(own)).Int("objects_discovered", found.listed).Msg("this shard's part of the selected tables")
		selected = own
	}
	stats := newSyncStats(selected, sh.skipped(skippedIn(found, opts)))
	bytesBefore := c.store.BytesRead.Load()
	defer func() {
		bytes := c.store.BytesRead.Load() - bytesBefore
		if err == nil { // the cursors wait for the SDK to send every message (sync_finish.go)
			c.awaitFinish(ctx, inc, func(err error) { stats.log(logger, bytes, err) })
			return
		}
		inc.close()
		stats.log(logger, bytes, bounded.Error(err))
	}()
	inc, err = openIncremental(ctx, st, opts.BackendOptions, c.spec, selected, sh, logger)
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
func selectTables(found *discoveryResult, opts plugin.SyncOptions) ([]*discoveredTable, error) {
	filtered, err := filterTables(found, plugin.TableOptions{Tables: opts.Tables, SkipTables: opts.SkipTables, SkipDependentTables: opts.SkipDependentTables})
	if err != nil {
		return nil, fmt.Errorf("selecting tables: %w", err)
	}
	keep := map[string]bool{}
	for _, t := range filtered {
		keep[t.Name] = true
	}
	var out []*discoveredTable
	for _, t := range found.tables {
		if keep[t.Table.Name] {
			out = append(out, t)
		}
	}
	return out, nil
}

// skippedIn is the discovery skips whose table the sync's patterns select.
func skippedIn(found *discoveryResult, opts plugin.SyncOptions) []skippedObject {
	var out []skippedObject
	for _, s := range found.skipped {
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
