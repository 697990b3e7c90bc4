package client

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"golang.org/x/sync/errgroup"
)

// spec.schema: how a table's columns are found (docs/spec.md, docs/scale.md).
//
//   - union (the default): Init reads every object's footer and unifies them (internal/arrowschema).
//     Every shard reads all N footers, whatever its shard.
//   - sample: Init reads one footer per table, its sample: the object listed with the oldest
//     LastModified (ties: the first key). A new upload never displaces it, so shards listing at
//     different moments pick the same sample. The table's columns are the sample's, all nullable
//     (as Spark reads Parquet: one file cannot say whether another has nulls). Sync reads each
//     other object's footer just before the object, and checks it against the sample: the same
//     column names in the same order, and the same types (a null-typed column agrees with any).
//     A mismatch fails the sync naming the table, the object, the column and both types, also
//     without spec.strict: the table was already declared, and skipping would drop the object's
//     rows without anyone deciding to. A shard then reads N/n footers at Sync plus one per table.
const (
	schemaUnion  = "union"
	schemaSample = "sample"
)

var schemaModes = []string{schemaUnion, schemaSample}

// sampledTables builds the tables of schema: sample from one readable footer per table.
// Objects found unreadable while looking for a sample are skipped (or fail Init under
// spec.strict) as union's discovery does; the others are read, and checked, at Sync.
func (d *discovery) sampledTables(ctx context.Context, listed []*parquetObject) ([]*discoveredTable, []skippedObject, error) {
	bySource := map[string][]*parquetObject{}
	var sources []string
	for _, obj := range listed {
		src := tableSource(obj.Key)
		if _, ok := bySource[src]; !ok {
			sources = append(sources, src)
		}
		bySource[src] = append(bySource[src], obj)
	}
	samples := make([]*parquetObject, len(sources))
	var mu sync.Mutex
	var skipped []skippedObject
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(d.concurrency)
	for i, src := range sources {
		g.Go(func() error {
			sample, sk, err := d.readSample(gctx, bySource[src])
			mu.Lock()
			skipped = append(skipped, sk...)
			mu.Unlock()
			samples[i] = sample
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	samples = slices.DeleteFunc(samples, func(o *parquetObject) bool { return o == nil })
	tables, err := groupTables(samples)
	if err != nil {
		return nil, nil, err
	}
	unreadable := map[string]bool{}
	for _, sk := range skipped {
		unreadable[sk.Key] = true
	}
	objects := 0
	for _, t := range tables {
		t.Sample = t.Objects[0]
		t.Objects = slices.DeleteFunc(bySource[t.Source], func(o *parquetObject) bool { return unreadable[o.Key] })
		sort.Slice(t.Objects, func(i, j int) bool { return t.Objects[i].Key < t.Objects[j].Key })
		objects += len(t.Objects)
		for i := range t.Table.Columns {
			if t.Table.Columns[i].Name != rowIDColumn().Name {
				t.Table.Columns[i].NotNull = false
			}
		}
	}
	sort.Slice(skipped, func(i, j int) bool { return skipped[i].Key < skipped[j].Key })
	d.logFinished(tables, objects, skipped, len(tables))
	return tables, skipped, nil
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
	sort.Slice(candidates, func(i, j int) bool {
		a, b := candidates[i], candidates[j]
		if !a.LastModified.Equal(b.LastModified) {
			return a.LastModified.Before(b.LastModified)
		}
		return a.Key < b.Key
	})
	return candidates
}

// checkAgainstSample is schema unification's rules (internal/arrowschema) with the sample as the
// first object, except that a column's type may not change (the table was declared from the
// sample) and nullability does not matter (every column was declared nullable).
func (t *discoveredTable) checkAgainstSample(key string, sc *arrow.Schema) error {
	obj := arrowschema.ObjectSchema{Key: key, Schema: sc}
	if err := arrowschema.CheckObjectColumns(obj); err != nil {
		return err
	}
	if err := checkEncodable(sc); err != nil {
		return err
	}
	sample := t.Sample.Schema.Fields()
	first := arrowschema.ObjectSchema{Key: t.Sample.Key, Schema: t.Sample.Schema}
	if err := arrowschema.SameColumnNames(t.Table.Name, first, sample, obj); err != nil {
		return fmt.Errorf("%w (schema: sample declared the table from %s; every object must have its columns, or use schema: union)", err, t.Sample.Key)
	}
	theirs := sc.Fields()
	for i, f := range sample {
		declared := f.Type
		if declared.ID() == arrow.NULL {
			declared = arrow.BinaryTypes.String // as UnifyColumns declares an all-null column
		}
		if got := theirs[i].Type; got.ID() != arrow.NULL && !arrow.TypeEqual(got, declared) {
			return fmt.Errorf("column %q is %s here but %s in %s, the sample table %s was declared from (schema: sample): make the types agree, or use schema: union", f.Name, got, f.Type, t.Sample.Key, t.Table.Name)
		}
	}
	return nil
}
