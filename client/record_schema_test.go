package client

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
)

// The records' schema decodes to exactly the table the migrate message declares, with less
// metadata: what plugin-sdk (and the CLI, which reads records the same way) reads back from a
// record is unchanged; only keys that decode as their absence are gone.
func TestRecordSchemaDecodesToTheDeclaredTable(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("meta")
	s3.Put("meta", "t/a.parquet", writeParquet(t, allTypesRecord(t, 0, 10), 10))
	p, err := initPlugin(t, s3.specJSON("meta", ""))
	if err != nil {
		t.Fatal(err)
	}
	tables, err := p.Tables(context.Background(), plugin.TableOptions{Tables: []string{"*"}})
	if err != nil || len(tables) != 1 {
		t.Fatal(tables, err)
	}
	table := tables[0]
	full, slim := table.ToArrowSchema(), arrowschema.RecordSchema(table)
	fromFull, err := schema.NewTableFromArrowSchema(full)
	if err != nil {
		t.Fatal(err)
	}
	fromSlim, err := schema.NewTableFromArrowSchema(slim)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromFull, fromSlim) {
		t.Fatalf("the record schema decodes to another table:\nfull %+v\nslim %+v", fromFull, fromSlim)
	}
	if !fromSlim.IsIncremental || fromSlim.Columns[0].Name != schema.CqIDColumn.Name || !fromSlim.Columns[0].PrimaryKey || !fromSlim.Columns[0].Unique {
		t.Fatalf("what the protocol needs is gone: %+v", fromSlim)
	}
	for _, f := range slim.Fields() {
		for i, v := range f.Metadata.Values() {
			if v == schema.MetadataFalse || v == "" {
				t.Errorf("column %s keeps %s=%q", f.Name, f.Metadata.Keys()[i], v)
			}
		}
	}
	before, after := schemaBytes(t, full), schemaBytes(t, slim)
	t.Logf("schema in every insert message: %d bytes with the table's metadata, %d without what decodes as absent", before, after)
	if after >= before {
		t.Fatalf("the record schema is not smaller: %d >= %d bytes", after, before)
	}
}

func schemaBytes(t *testing.T, sc *arrow.Schema) int {
	t.Helper()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(sc))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}
