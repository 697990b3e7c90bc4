package client

import (
	"context"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
	"golang.org/x/sync/errgroup"
)

// Discovery with schema: sample, for one shard (unsharded: the shard that owns every object).
// One listing of the bucket sees every key once (s3store.Lister.Keeping) and keeps only:
// each table source's oldest object, its sample, and the objects this shard owns. So a
// shard's memory grows with its share and the number of tables, not with the bucket. A
// sample's footer comes from the state backend's schema manifest when it describes that very
// object version (schema_manifest.go), else from one ranged GET.

// sampleScan is what one listing keeps for schema: sample.
type sampleScan struct {
	shard   shard
	mu      sync.Mutex
	sources map[string]*sourceScan
	listed  int // Parquet objects listed, this shard's or not
}

// sourceScan is one table source as the listing saw it.
type sourceScan struct {
	source string
	oldest *parquetObject   // the first of sampleOrder: the sample unless it is unreadable
	owned  []*parquetObject // this shard's objects, in key order once the listing is done
}

func newSampleScan(sh shard) *sampleScan {
	return &sampleScan{shard: sh, sources: map[string]*sourceScan{}}
}

// see is the lister's filter: it records obj and keeps nothing in the lister's own result.
func (s *sampleScan) see(obj types.Object) bool {
	key := aws.ToString(obj.Key)
	if !isParquetKey(key) {
		return false
	}
	o := newParquetObject(obj)
	owned := s.shard.owns(key)
	src := tableSource(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listed++
	ss := s.sources[src]
	if ss == nil {
		ss = &sourceScan{source: src}
		s.sources[src] = ss
	}
	if ss.oldest == nil || sampledBefore(o, ss.oldest) {
		ss.oldest = o
	}
	if owned {
		ss.owned = append(ss.owned, o)
	}
	return false
}

// sortedSources is every source seen, by name, each with its objects in key order.
func (s *sampleScan) sortedSources() []*sourceScan {
	out := make([]*sourceScan, 0, len(s.sources))
	for _, ss := range s.sources {
		sort.Slice(ss.owned, func(i, j int) bool { return ss.owned[i].Key < ss.owned[j].Key })
		out = append(out, ss)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].source < out[j].source })
	return out
}

// sampledBefore is sampleOrder's order: oldest LastModified first, then by key.
func sampledBefore(a, b *parquetObject) bool {
	if !a.LastModified.Equal(b.LastModified) {
		return a.LastModified.Before(b.LastModified)
	}
	return a.Key < b.Key
}

// sampledDiscovery lists the bucket once for shard sh and builds the tables of schema: sample
// with only sh's objects. manifests (nil: no state backend) saves the samples' footer GETs.
func (d *discovery) sampledDiscovery(ctx context.Context, sh shard, manifests *schemaManifests) (*discoveryResult, error) {
	scan := newSampleScan(sh)
	if err := d.list(ctx, scan.see); err != nil {
		return nil, err
	}
	if scan.listed == 0 {
		d.warnEmpty()
		return &discoveryResult{shard: sh}, nil
	}
	sources := scan.sortedSources()
	samples := make([]*parquetObject, len(sources))
	var mu sync.Mutex
	var skipped []skippedObject
	var fromState, footers atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(d.concurrency)
	for i, ss := range sources {
		g.Go(func() error {
			if manifests.lookup(gctx, tableName(ss.source), ss.oldest) {
				samples[i] = ss.oldest
				fromState.Add(1)
				return nil
			}
			sample, sk, err := d.sampleOf(gctx, ss, sh)
			footers.Add(int64(len(sk)))
			if sample != nil {
				footers.Add(1)
				if sample == ss.oldest {
					manifests.store(gctx, tableName(ss.source), sample)
				}
				if !sh.owns(sample.Key) {
					sample.plan = nil // only its owner reads its rows
				}
			}
			mu.Lock()
			skipped = append(skipped, sk...)
			mu.Unlock()
			samples[i] = sample
			return err
		})
	}
	err := g.Wait()
	manifests.flush(ctx)
	if err != nil {
		return nil, err
	}
	samples = slices.DeleteFunc(samples, func(o *parquetObject) bool { return o == nil })
	shareSchemas(samples)
	tables, err := groupTables(samples)
	if err != nil {
		return nil, err
	}
	unreadable := map[string]bool{}
	for _, sk := range skipped {
		unreadable[sk.Key] = true
	}
	owned := map[string][]*parquetObject{}
	for _, ss := range sources {
		owned[ss.source] = ss.owned
	}
	objects := 0
	for _, t := range tables {
		t.Sample = t.Objects[0]
		t.Objects = slices.DeleteFunc(owned[t.Source], func(o *parquetObject) bool { return unreadable[o.Key] })
		objects += len(t.Objects)
		for i := range t.Table.Columns {
			if t.Table.Columns[i].Name != rowIDColumn().Name {
				t.Table.Columns[i].NotNull = false
			}
		}
	}
	sort.Slice(skipped, func(i, j int) bool { return skipped[i].Key < skipped[j].Key })
	d.logger.Info().Int("objects_listed", scan.listed).Int("objects", objects).Int("objects_skipped", len(skipped)).
		Int64("footers_read", footers.Load()).Int64("samples_from_state", fromState.Load()).
		Strs("tables", discoveredNames(tables)).Msg("discovery finished")
	return &discoveryResult{tables: tables, skipped: skipped, shard: sh, listed: scan.listed}, nil
}

// sampleOf reads a source's sample: its oldest object's footer or, if that one is unreadable
// (skipped, or failing under spec.strict as union's discovery does), the first readable of
// the source's other objects in sampleOrder; a shard that does not own them all lists the
// source's directory again for them. A source with no readable object has no sample (nil).
func (d *discovery) sampleOf(ctx context.Context, ss *sourceScan, sh shard) (*parquetObject, []skippedObject, error) {
	sample, skipped, err := d.readSample(ctx, []*parquetObject{ss.oldest})
	if err != nil || sample != nil {
		return sample, skipped, err
	}
	others := ss.owned
	if sh.sharded() {
		if others, err = d.listSource(ctx, ss.source); err != nil {
			return nil, skipped, err
		}
	}
	others = slices.DeleteFunc(slices.Clone(others), func(o *parquetObject) bool { return o.Key == ss.oldest.Key })
	sample, more, err := d.readSample(ctx, others)
	return sample, append(skipped, more...), err
}

// readSample reads the footers of a table's objects, oldest first, until one is readable.
func (d *discovery) readSample(ctx context.Context, objects []*parquetObject) (*parquetObject, []skippedObject, error) {
	var skipped []skippedObject
	for _, obj := range sampleOrder(objects) {
		readable, sk, err := d.readFooters(ctx, []*parquetObject{obj})
		if err != nil {
			return nil, skipped, err
		}
		skipped = append(skipped, sk...)
		if len(readable) == 1 {
			return obj, skipped, nil
		}
	}
	return nil, skipped, nil
}

// sampleOrder is the order in which a table's objects are tried as its sample: oldest
// LastModified first, then by key.
func sampleOrder(objects []*parquetObject) []*parquetObject {
	candidates := slices.Clone(objects)
	sort.Slice(candidates, func(i, j int) bool { return sampledBefore(candidates[i], candidates[j]) })
	return candidates
}

// listSource lists the objects of one table source (a directory's own objects, or a root object).
func (d *discovery) listSource(ctx context.Context, source string) ([]*parquetObject, error) {
	var mu sync.Mutex
	var out []*parquetObject
	_, err := s3store.NewLister(d.store, source, d.concurrency).Keeping(func(obj types.Object) bool {
		if key := aws.ToString(obj.Key); isParquetKey(key) && tableSource(key) == source {
			mu.Lock()
			out = append(out, newParquetObject(obj))
			mu.Unlock()
		}
		return false
	}).List(ctx)
	return out, err
}

// shareSchemas makes samples with identical schemas (tables written by one writer) share one,
// so that a bucket of many small tables holds each schema once.
func shareSchemas(samples []*parquetObject) {
	seen := map[string][]*arrow.Schema{}
	for _, o := range samples {
		key := o.Schema.String()
		i := slices.IndexFunc(seen[key], func(sc *arrow.Schema) bool { return identicalSchemas(sc, o.Schema) })
		if i < 0 {
			seen[key] = append(seen[key], o.Schema)
			continue
		}
		o.Schema = seen[key][i]
	}
}

// identicalSchemas compares everything, metadata of nested fields included.
func identicalSchemas(a, b *arrow.Schema) bool {
	if !a.Equal(b) || !a.Metadata().Equal(b.Metadata()) {
		return false
	}
	for i, f := range a.Fields() {
		g := b.Field(i)
		if !f.Metadata.Equal(g.Metadata) || !arrow.TypeEqual(f.Type, g.Type, arrow.CheckMetadata()) {
			return false
		}
	}
	return true
}
