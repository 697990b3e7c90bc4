package client

import "github.com/cloudquery/plugin-sdk/v4/schema"

// discoveredTable is a table and the objects that feed it, sorted by key.
type discoveredTable struct {
	Table   *schema.Table
	Source  string
	Objects []*parquetObject
	// Sample is the object whose footer declared the table's columns with schema: sample, else nil.
	Sample *parquetObject
}

// withObjects is the same table fed by other objects (a shard's, an incremental sync's).
func (t *discoveredTable) withObjects(objects []*parquetObject) *discoveredTable {
	return &discoveredTable{Source: t.Source, Table: t.Table, Objects: objects, Sample: t.Sample}
}
