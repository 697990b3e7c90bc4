package cqdest

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/cloudquery/plugin-sdk/v4/serve"
	"github.com/cloudquery/plugin-sdk/v4/state"
	"github.com/cloudquery/plugin-sdk/v4/types"
)

func initDest(t *testing.T, dir string) *plugin.Plugin {
	t.Helper()
	p := Plugin()
	if err := p.Init(context.Background(), []byte(`{"dir":"`+dir+`"}`), plugin.NewClientOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

// writeRun is one CLI run against the destination in dir: a new Init, then one Write stream.
func writeRun(t *testing.T, dir string, msgs ...message.WriteMessage) *plugin.Plugin {
	t.Helper()
	p := initDest(t, dir)
	if err := p.WriteAll(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
	return p
}

// eventsTable is a table as the CLI migrates it: its own columns plus _cq_sync_time and _cq_source_name.
func eventsTable(idNotNull bool) *schema.Table {
	return &schema.Table{Name: "events", Columns: schema.ColumnList{
		schema.CqSyncTimeColumn,
		schema.CqSourceNameColumn,
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, NotNull: idNotNull},
	}}
}

// eventRows builds rows of eventsTable; a nil id is a null.
func eventRows(t *schema.Table, source string, syncTime time.Time, ids ...*int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, t.ToArrowSchema())
	defer b.Release()
	for _, id := range ids {
		b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(syncTime.UnixMicro()))
		b.Field(1).(*array.StringBuilder).Append(source)
		if id == nil {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Int64Builder).Append(*id)
		}
	}
	return b.NewRecordBatch()
}

func ids(v ...int64) []*int64 {
	out := make([]*int64, len(v))
	for i := range v {
		out[i] = &v[i]
	}
	return out
}

func readIDs(t *testing.T, p *plugin.Plugin, def *schema.Table) []string {
	t.Helper()
	ch := make(chan arrow.RecordBatch)
	var got []string
	done := make(chan error, 1)
	go func() {
		defer close(ch)
		done <- p.Read(context.Background(), def, ch)
	}()
	for rec := range ch {
		col := rec.Column(rec.Schema().FieldIndices("id")[0])
		for i := 0; i < col.Len(); i++ {
			got = append(got, col.ValueStr(i))
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return got
}

func readLog(t *testing.T, dir string) []logEntry {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []logEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e logEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func TestOverwriteDeleteStaleLikeASQLDestination(t *testing.T) {
	dir := t.TempDir()
	def := eventsTable(true)
	first, second := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)

	writeRun(t, dir,
		&message.WriteMigrateTable{Table: def},
		&message.WriteInsert{Record: eventRows(def, "s3", first, ids(1, 2)...)},
		&message.WriteInsert{Record: eventRows(def, "other", first, ids(9)...)},
	)
	// A new Init (the next CLI run) sees the saved rows; the second sync replaces source s3's rows.
	p := writeRun(t, dir,
		&message.WriteMigrateTable{Table: def},
		&message.WriteInsert{Record: eventRows(def, "s3", second, ids(3)...)},
		&message.WriteDeleteStale{TableName: "events", SourceName: "s3", SyncTime: second},
	)
	if got := strings.Join(readIDs(t, p, def), ","); got != "9,3" {
		t.Fatalf("want the other source's row and the second sync's row, got %s", got)
	}
	var kinds []string
	for _, e := range readLog(t, dir) {
		kinds = append(kinds, e.Type+":"+e.Action)
		if e.Type == "delete_stale" && (e.SourceName != "s3" || *e.Deleted != 2 || !strings.HasPrefix(e.SyncTime, "2024-01-02T00:00:00")) {
			t.Errorf("delete_stale entry: %+v", e)
		}
	}
	if got := strings.Join(kinds, " "); got != "migrate_table:created insert: insert: migrate_table:unchanged insert: delete_stale:" {
		t.Fatalf("message log: %s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "tables", "events.arrows")); err != nil {
		t.Fatalf("table file: %v", err)
	}
}

// A primary key makes an insert of an existing key replace its row, as an upsert would, also
// within one record and after a restart; DELETESTALE then sees only the live rows.
func TestPrimaryKeyUpserts(t *testing.T) {
	dir := t.TempDir()
	def := eventsTable(true)
	def.Columns[2].PrimaryKey = true
	first, second := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	p := writeRun(t, dir,
		&message.WriteMigrateTable{Table: def},
		&message.WriteInsert{Record: eventRows(def, "s3", first, ids(1, 2, 3)...)},
		&message.WriteInsert{Record: eventRows(def, "s3", second, ids(2, 4, 4)...)},
	)
	if got := strings.Join(readIDs(t, p, def), ","); got != "1,3,2,4" {
		t.Fatalf("got %s, want 1,3,2,4", got)
	}
	p = writeRun(t, dir,
		&message.WriteMigrateTable{Table: def},
		&message.WriteInsert{Record: eventRows(def, "s3", second, ids(3)...)},
		&message.WriteDeleteStale{TableName: "events", SourceName: "s3", SyncTime: second},
	)
	if got := strings.Join(readIDs(t, p, def), ","); got != "2,4,3" {
		t.Fatalf("after a restart, an upsert and DELETESTALE: got %s, want 2,4,3", got)
	}
}

func TestNotNullIsEnforced(t *testing.T) {
	p := initDest(t, t.TempDir())
	def := eventsTable(true)
	err := p.WriteAll(context.Background(), message.WriteMessages{
		&message.WriteMigrateTable{Table: def},
		&message.WriteInsert{Record: eventRows(def, "s3", time.Now(), ids(1)[0], nil)},
	})
	if err == nil || !strings.Contains(err.Error(), `null value in column "id" of table events violates its NOT NULL constraint`) {
		t.Fatalf("got %v", err)
	}
}

func TestChangedTableNeedsForcedMigration(t *testing.T) {
	dir := t.TempDir()
	p := initDest(t, dir)
	if err := p.WriteAll(context.Background(), message.WriteMessages{&message.WriteMigrateTable{Table: eventsTable(true)}}); err != nil {
		t.Fatal(err)
	}
	err := p.WriteAll(context.Background(), message.WriteMessages{&message.WriteMigrateTable{Table: eventsTable(false)}})
	if err == nil || !strings.Contains(err.Error(), "table events changed") || !strings.Contains(err.Error(), "migrate_mode: forced") {
		t.Fatalf("got %v", err)
	}
	if err := p.WriteAll(context.Background(), message.WriteMessages{&message.WriteMigrateTable{Table: eventsTable(false), MigrateForce: true}}); err != nil {
		t.Fatal(err)
	}
}

func TestInsertWithOtherColumnsIsRejected(t *testing.T) {
	p := initDest(t, t.TempDir())
	def := eventsTable(false)
	other := &schema.Table{Name: "events", Columns: schema.ColumnList{{Name: "id", Type: arrow.BinaryTypes.String}}}
	b := array.NewRecordBuilder(memory.DefaultAllocator, other.ToArrowSchema())
	b.Field(0).(*array.StringBuilder).Append("x")
	err := p.WriteAll(context.Background(), message.WriteMessages{&message.WriteMigrateTable{Table: def}, &message.WriteInsert{Record: b.NewRecordBatch()}})
	if err == nil || !strings.Contains(err.Error(), "insert into events has 1 columns, the table has 3") {
		t.Fatalf("got %v", err)
	}
}

// The plugin-sdk state client (what a source uses for backend_options) keeps its keys here.
func TestServesAsStateBackend(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// serve registers the CloudQuery extension types itself (TestMain did for the other tests).
	_ = types.UnregisterAllExtensions()
	t.Cleanup(func() { _ = types.RegisterAllExtensions() })
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serve.Plugin(Plugin(), serve.WithArgs("serve", "--address", addr, "--no-sentry", "--log-level", "warn")).Serve(ctx)
	}()
	t.Cleanup(func() { cancel(); <-served })

	conn := dialPlugin(t, addr)
	initOverGRPC(t, conn, dir)
	opts := &plugin.BackendOptions{TableName: "cq_state_s3", Connection: addr}
	for _, value := range []string{"v1", "v2"} {
		st, err := state.NewConnectedClient(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetKey(ctx, "s3/bucket/table", value); err != nil {
			t.Fatal(err)
		}
		if err := st.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		_ = st.Close()
	}
	st, err := state.NewConnectedClient(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, _ := st.GetKey(ctx, "s3/bucket/table"); got != "v2" {
		t.Fatalf("state key: got %q, want v2", got)
	}
}
