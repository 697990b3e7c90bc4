package arrowschema

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cloudquery/plugin-sdk/v4/schema"
)

// RecordSchema is the schema of a table's insert records: the table's Arrow schema with only
// the metadata that changes what the receiving side reads from it. The SDK serialises a
// record's schema, metadata included, into every insert message, and plugin-sdk's
// ToArrowSchema writes every boolean column option (primary_key, unique, incremental,
// primary_key_component) as "false" when it is not set, an empty type_schema, and the table's
// empty description, title and constraint name: five keys per column that decode
// (schema.NewTableFromArrowSchema) exactly as their absence does. The migrate message still
// carries the full table schema; client/record_schema_test.go checks that both decode to one table.
func RecordSchema(t *schema.Table) *arrow.Schema {
	full := t.ToArrowSchema()
	fields := full.Fields()
	for i := range fields {
		fields[i].Metadata = neededMetadata(fields[i].Metadata)
	}
	md := neededMetadata(full.Metadata())
	return arrow.NewSchema(fields, &md)
}

// neededMetadata drops the keys whose value decodes as the key's absence does: "" (no
// description, title, constraint name or type schema), "false" (an unset column or table
// option) and "null" (an empty JSON list of permissions or sensitive columns).
func neededMetadata(md arrow.Metadata) arrow.Metadata {
	var keys, values []string
	for i, k := range md.Keys() {
		switch v := md.Values()[i]; v {
		case "", schema.MetadataFalse, "null":
		default:
			keys, values = append(keys, k), append(values, v)
		}
	}
	return arrow.NewMetadata(keys, values)
}
