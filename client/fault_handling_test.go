package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/internal/parquetread"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
	"github.com/rs/zerolog"
)

// behindProxy puts the s3fault proxy in front of the test S3 server and returns a spec for it.
func behindProxy(t *testing.T, s3 *testS3, bucket, extra string, rules ...s3fault.Rule) (*s3fault.Proxy, []byte) {
	t.Helper()
	p := s3fault.StartForTest(t, s3.Endpoint, rules...)
	spec := `{"bucket":"` + bucket + `","region":"us-east-1","endpoint":"` + p.URL() + `","path_style":true,"max_backoff":"50ms"` + extra + `}`
	return p, []byte(spec)
}

// newSDKPlugin is the plugin as plugin.Plugin() builds it, for a client constructor.
func newSDKPlugin(newClient plugin.NewClientFunc, opts ...plugin.Option) *plugin.Plugin {
	p := plugin.NewPlugin("cq-source-s3", "test", newClient, opts...)
	p.SetSkipTableValidation(true)
	return p
}

func loggedPlugin(t *testing.T, spec []byte) (*plugin.Plugin, *bytes.Buffer, error) {
	t.Helper()
	var logs bytes.Buffer
	p := newSDKPlugin(New)
	p.SetLogger(zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.DebugLevel))
	return p, &logs, p.Init(context.Background(), spec, plugin.NewClientOptions{})
}

func logLines(logs *bytes.Buffer, message string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["message"] == message {
			out = append(out, m)
		}
	}
	return out
}

func TestRangedReadResumesFromTheLastByteReceived(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("resume")
	body := writeParquet(t, allTypesRecord(t, 0, 20_000), 5_000)
	s3.Put("resume", "t/a.parquet", body)
	// Every GET dies after 20 KB: only resuming where the last one stopped gets anywhere.
	proxy, spec := behindProxy(t, s3, "resume", "", s3fault.Rule{Op: s3fault.OpGet, Fault: s3fault.FaultResetBody, AfterBytes: 20_000})
	p, _, err := loggedPlugin(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	if rows := rowsByTable(syncAll(t, p)); rows["t"] != 20_000 {
		t.Fatalf("got %v rows", rows)
	}
	st := proxy.Stats()
	if st.ByOp[s3fault.OpGet] < len(body)/20_000 || st.ByKey["t/a.parquet"].Bytes > int64(2*len(body)) {
		t.Fatalf("%d GETs moved %d bytes of a %d-byte object: not resumed piece by piece", st.ByOp[s3fault.OpGet], st.ByKey["t/a.parquet"].Bytes, len(body))
	}
}

func TestTransientFailureFailsTheSyncAndIsNeverASkip(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("slow")
	s3.Put("slow", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1, 2), 10))
	s3.Put("slow", "t/b.parquet", writeParquet(t, int64Record(t, "n", 3), 10))
	proxy, spec := behindProxy(t, s3, "slow", `,"max_attempts":2`)
	p, logs, err := loggedPlugin(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := proxy.SetRules(s3fault.Rule{Key: "t/b.parquet", Fault: s3fault.FaultStatus}); err != nil {
		t.Fatal(err)
	}
	_, err = p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"*"}})
	for _, want := range []string{"table t: s3://slow/t/b.parquet", "exceeded maximum number of attempts, 2", "SlowDown"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("want an error containing %q, got %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "Parquet") || len(logLines(logs, "object skipped")) != 0 {
		t.Fatalf("a transport failure was treated as content: %v\n%s", err, logs)
	}
}

func TestStrictFailsInitOnAnUnreadableObject(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("strict")
	s3.Put("strict", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	s3.Put("strict", "t/broken.parquet", []byte("PAR1 not really PAR1"))
	_, err := initPlugin(t, s3.specJSON("strict", `,"strict":true`))
	if err == nil || !strings.Contains(err.Error(), "s3://strict/t/broken.parquet: not a readable Parquet file") || !strings.Contains(err.Error(), "spec.strict") {
		t.Fatalf("want Init to fail naming the object and spec.strict, got %v", err)
	}
}

func TestSyncSummaryLine(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("sum")
	s3.Put("sum", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1, 2, 3), 10))
	s3.Put("sum", "t/b.parquet", writeParquet(t, int64Record(t, "n", 4), 10))
	s3.Put("sum", "t/broken.parquet", []byte("not parquet"))
	s3.Put("sum", "u/c.parquet", writeParquet(t, int64Record(t, "n", 5), 10))
	p, logs, err := loggedPlugin(t, s3.specJSON("sum", ""))
	if err != nil {
		t.Fatal(err)
	}
	s3.Delete("sum", "t/b.parquet")
	if _, err := p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"t"}}); err != nil {
		t.Fatal(err)
	}
	if lines := logLines(logs, "sync summary"); len(lines) != 0 {
		t.Fatalf("the summary must wait for the SDK to send every message, got %v", lines)
	}
	_ = p.OnSyncFinish(context.Background()) // what the SDK's server calls once it sent them
	lines := logLines(logs, "sync summary")
	if len(lines) != 1 {
		t.Fatalf("want one summary line, got %d:\n%s", len(lines), logs)
	}
	s := lines[0]
	want := map[string]any{"result": "ok", "tables": 1.0, "objects": 3.0, "objects_synced": 1.0, "objects_skipped": 2.0, "objects_failed": 0.0, "rows": 3.0}
	for k, v := range want {
		if s[k] != v {
			t.Errorf("summary %s = %v, want %v (%v)", k, s[k], v, s)
		}
	}
	keys := fmt.Sprint(s["skipped_keys"])
	if !strings.Contains(keys, "t/broken.parquet (not a readable Parquet file)") || !strings.Contains(keys, "t/b.parquet (deleted since listing)") {
		t.Errorf("skipped_keys %s", keys)
	}
	if s["bytes"].(float64) <= 0 || s["duration"] == "" {
		t.Errorf("bytes and duration missing: %v", s)
	}
}

func stringsRecord(n, width int) arrow.RecordBatch {
	sc := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for i := range n {
		b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("%0*d", width, i))
	}
	return b.NewRecordBatch()
}

func TestRecordsAreBoundedByBytesAsWellAsRows(t *testing.T) {
	rec := stringsRecord(1000, 1000) // ~1 MB
	res := make(chan message.SyncMessage, 1000)
	s := &recordSender{ctx: context.Background(), res: res, schema: rec.Schema(), maxRows: 300, maxBytes: 100_000, rowLimit: 200_000}
	if err := s.send(rec); err != nil {
		t.Fatal(err)
	}
	close(res)
	next := 0
	for m := range res {
		out := m.(*message.SyncInsert).Record
		if out.NumRows() > 300 || parquetread.RecordBytes(out) > 100_000 {
			t.Fatalf("record of %d rows, %d bytes", out.NumRows(), parquetread.RecordBytes(out))
		}
		col := out.Column(0).(*array.String)
		for i := range col.Len() {
			if col.Value(i) != fmt.Sprintf("%01000d", next) {
				t.Fatalf("row %d out of order or changed", next)
			}
			next++
		}
	}
	if next != 1000 || s.rows != 1000 {
		t.Fatalf("delivered %d of 1000 rows", next)
	}

	wide := stringsRecord(3, 150_000)
	s = &recordSender{ctx: context.Background(), res: make(chan message.SyncMessage, 10), schema: wide.Schema(), maxRows: 300, maxBytes: 100_000, rowLimit: 200_000}
	if err := s.send(wide); err != nil {
		t.Fatalf("a row over maxBytes but under the message limit must go alone: %v", err)
	}
	s = &recordSender{ctx: context.Background(), res: make(chan message.SyncMessage, 10), schema: wide.Schema(), maxRows: 300, maxBytes: 100_000, rowLimit: 120_000}
	if err := s.send(wide); err == nil || !strings.Contains(err.Error(), "row 0 (0-based) holds 150") {
		t.Fatalf("want an error naming row 0, got %v", err)
	}
}

func TestSendGivesUpWhenTheSyncIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	blocked := make(chan message.SyncMessage) // nobody reads: a client that went away
	done := make(chan error)
	go func() { done <- send(ctx, blocked, &message.SyncMigrateTable{}, time.Hour) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("send blocked after the sync was cancelled")
	}
}
