package client

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
)

// spec.schema: how a table's columns are found (docs/spec.md, docs/scale.md).
//
//   - union (the default): Init reads every object's footer and unifies them (internal/arrowschema).
//     Every shard reads all N footers, whatever its shard.
//   - sample: discovery reads one footer per table, its sample: the object listed with the oldest
//     LastModified (ties: the first key). A new upload never displaces it, so shards listing at
//     different moments pick the same sample. The table's columns are the sample's, all nullable
//     (as Spark reads Parquet: one file cannot say whether another has nulls). Sync reads each
//     other object's footer just before the object, and checks it against the sample: the same
//     column names in the same order, and the same types (a null-typed column agrees with any).
//     A mismatch fails the sync naming the table, the object, the column and both types, also
//     without spec.strict: the table was already declared, and skipping would drop the object's
//     rows without anyone deciding to. Discovery runs at Sync, where the shard and the state
//     backend are known (sample_discovery.go): a shard keeps only its own objects, and reads
//     N/n footers plus one per table, none for a table whose sample the backend's schema
//     manifest describes (schema_manifest.go). GetTables (`cloudquery tables`, `migrate`)
//     discovers every object.
const (
	schemaUnion  = "union"
	schemaSample = "sample"
)

var schemaModes = []string{schemaUnion, schemaSample}

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
