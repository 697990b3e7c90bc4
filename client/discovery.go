package client

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"github.com/cq-source-s3/cq-source-s3/internal/parquetread"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"
)

type discovery struct {
	store       *s3store.Store
	prefix      string
	concurrency int
	strict      bool
	// wholeBytes: objects up to this size are read with one GET at Sync (their plan keeps no chunks).
	wholeBytes int64
	sample     bool // schema: sample (schema_mode.go)
	logger     zerolog.Logger
}

// discoveryResult is one discovery: the tables (with the objects of shard, all of them when
// unsharded) and the objects found unreadable.
type discoveryResult struct {
	tables  []*discoveredTable
	skipped []skippedObject
	shard   shard
	listed  int // Parquet objects listed
}

// complete reports whether the result holds every object, so that any shard can be cut from it.
func (r *discoveryResult) complete() bool { return !r.shard.sharded() }

// run discovers every table with every object: for GetTables, and for Sync with schema: union.
func (d *discovery) run(ctx context.Context) (*discoveryResult, error) {
	if d.sample {
		return d.sampledDiscovery(ctx, unsharded, nil)
	}
	listed, err := d.listParquetObjects(ctx)
	if err != nil {
		return nil, err
	}
	if len(listed) == 0 {
		d.warnEmpty()
		return &discoveryResult{shard: unsharded}, nil
	}
	objects, skipped, err := d.readFooters(ctx, listed)
	if err != nil {
		return nil, err
	}
	tables, err := groupTables(objects)
	if err != nil {
		return nil, err
	}
	for _, obj := range objects {
		obj.Schema = nil // only the table's columns are needed from here on: Init's memory stays small
	}
	d.logger.Info().Int("objects", len(objects)).Int("objects_skipped", len(skipped)).Int("footers_read", len(objects)+len(skipped)).
		Strs("tables", discoveredNames(tables)).Msg("discovery finished")
	return &discoveryResult{tables: tables, skipped: skipped, shard: unsharded, listed: len(listed)}, nil
}

func (d *discovery) warnEmpty() {
	d.logger.Warn().Str("bucket", d.store.Bucket).Str("path_prefix", d.prefix).Msg("no Parquet objects found: zero tables")
}

func discoveredNames(tables []*discoveredTable) []string {
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.Table.Name
	}
	return names
}

// list lists every object under the prefix once, giving each to see (s3store.Lister.Keeping),
// and logs what the listing cost.
func (d *discovery) list(ctx context.Context, see func(types.Object) bool) error {
	var keys atomic.Int64
	listed, err := s3store.NewLister(d.store, d.prefix, d.concurrency).Keeping(func(obj types.Object) bool {
		keys.Add(1)
		return see(obj)
	}).List(ctx)
	if err != nil {
		return err
	}
	d.logger.Info().Str("path_prefix", d.prefix).Int64("keys", keys.Load()).Int64("list_requests", listed.Requests).
		Int("key_ranges", listed.Ranges).Str("duration", listed.Duration.Round(time.Millisecond).String()).Msg("listing finished")
	return nil
}

func (d *discovery) listParquetObjects(ctx context.Context) ([]*parquetObject, error) {
	var mu sync.Mutex
	var out []*parquetObject
	err := d.list(ctx, func(obj types.Object) bool {
		key := aws.ToString(obj.Key)
		if !isParquetKey(key) {
			d.logger.Debug().Str("key", key).Msg("skipping object that is not Parquet")
			return false
		}
		mu.Lock()
		out = append(out, newParquetObject(obj))
		mu.Unlock()
		return false
	})
	return out, err
}

// readFooters reads each object's Parquet footer. Objects whose content is unreadable are
// logged and left out (or fail Init with spec.strict); any other failure fails Init.
func (d *discovery) readFooters(ctx context.Context, objects []*parquetObject) ([]*parquetObject, []skippedObject, error) {
	var mu sync.Mutex
	readable := make([]*parquetObject, 0, len(objects))
	var skipped []skippedObject
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(d.concurrency)
	for _, obj := range objects {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			err := d.readFooter(gctx, obj)
			var se *parquetread.SkippableError
			switch {
			case err == nil:
				mu.Lock()
				readable = append(readable, obj)
				mu.Unlock()
				return nil
			case gctx.Err() != nil:
				return gctx.Err()
			case errors.As(err, &se) && !d.strict:
				logPanicStack(d.logger, obj.Key, err)
				d.logger.Warn().Str("key", obj.Key).Str("reason", se.Reason).Err(err).Msg("skipping object")
				mu.Lock()
				skipped = append(skipped, skippedObject{Key: obj.Key, Table: tableName(tableSource(obj.Key)), Reason: se.Reason})
				mu.Unlock()
				return nil
			case se != nil:
				return fmt.Errorf("s3://%s/%s: %w (spec.strict is on: unreadable objects fail discovery)", d.store.Bucket, obj.Key, err)
			}
			return err // an *s3Error: names the object and the last cause
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return readable, skipped, nil
}

func (d *discovery) readFooter(ctx context.Context, obj *parquetObject) error {
	var err error
	obj.Schema, obj.plan, err = parquetread.ReadFooter(ctx, d.store, obj.Object, d.wholeBytes)
	if err == nil {
		err = checkEncodable(obj.Schema)
	}
	return err
}

// groupTables groups objects into tables by source (tableSource) and derives each table's
// columns from its objects' schemas (arrowschema.UnifyColumns), with CloudQuery's (addCloudQueryColumns).
func groupTables(objects []*parquetObject) ([]*discoveredTable, error) {
	sort.Slice(objects, func(i, j int) bool { return objects[i].Key < objects[j].Key })
	byName := map[string]*discoveredTable{}
	var tables []*discoveredTable
	for _, obj := range objects {
		src := tableSource(obj.Key)
		name := tableName(src)
		t, ok := byName[name]
		if !ok {
			t = &discoveredTable{Source: src, Table: &schema.Table{Name: name}}
			byName[name] = t
			tables = append(tables, t)
		} else if t.Source != src {
			return nil, fmt.Errorf("%q and %q both map to table name %q: rename one of them", t.Source, src, name)
		}
		t.Objects = append(t.Objects, obj)
	}
	for _, t := range tables {
		schemas := make([]arrowschema.ObjectSchema, len(t.Objects))
		for i, obj := range t.Objects {
			schemas[i] = arrowschema.ObjectSchema{Key: obj.Key, Schema: obj.Schema}
		}
		cols, err := arrowschema.UnifyColumns(t.Table.Name, schemas)
		if err != nil {
			return nil, err
		}
		t.Table.Columns = cols
		if err := addCloudQueryColumns(t); err != nil {
			return nil, err
		}
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].Table.Name < tables[j].Table.Name })
	return tables, nil
}
