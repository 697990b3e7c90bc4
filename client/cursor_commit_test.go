package client

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/serve"
	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// The cursor is committed only once plugin-sdk has sent every message (OnSyncFinish). Through
// the SDK's gRPC server: a client with fixed 64 KiB flow-control windows reads the table and
// the small object's row, then stops reading. The big object's two 1 MiB records are taken by
// the SDK (the first fills the stream's write quota, the second waits in stream.Send), so the
// plugin's own part of the Sync ends; then the client goes away. Nothing may be committed, and
// the next incremental sync delivers every object again. Before, the cursor was stored as the
// plugin's part ended and the next sync delivered nothing.
func TestCursorWaitsUntilEveryMessageWasSent(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("unsent")
	big := strings.Repeat("b", 1<<20)
	s3.Put("unsent", "t/a.parquet", writeParquet(t, stringRecord(t, "s", "small"), 10))
	s3.Put("unsent", "t/b.parquet", writeParquet(t, stringRecord(t, "s", big, big), 10))
	spec := s3.specJSON("unsent", `,"concurrency":1,"rows_per_record":1`)

	var c *Client
	p := newSDKPlugin(func(ctx context.Context, l zerolog.Logger, spec []byte, o plugin.NewClientOptions) (plugin.Client, error) {
		pc, err := New(ctx, l, spec, o)
		if err == nil {
			c = pc.(*Client)
		}
		return pc, err
	}, plugin.WithJSONSchema(SpecJSONSchema))
	client := serveOnSocket(t, p, grpc.WithInitialWindowSize(64<<10), grpc.WithInitialConnWindowSize(64<<10))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := client.Init(ctx, &pb.Init_Request{Spec: spec}); err != nil {
		t.Fatal(err)
	}
	syncCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	stream, err := client.Sync(syncCtx, &pb.Sync_Request{Tables: []string{"*"}, Backend: &pb.Sync_BackendOptions{TableName: "cq_state", Connection: "memory"}})
	if err != nil {
		t.Fatal(err)
	}
	for first := (*pb.Sync_MessageInsert)(nil); first == nil; {
		msg, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if first = msg.GetInsert(); first != nil && len(first.Record) > 64<<10 {
			t.Fatalf("the first record is %d bytes: not t/a.parquet's one small row", len(first.Record))
		}
	}
	// The client reads no more. The plugin's part ends once the SDK took the last record.
	for ended := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c.finishMu.Lock()
		pending := c.pending
		c.finishMu.Unlock()
		if pending != nil {
			break
		}
		if time.Now().After(ended) {
			t.Fatal("the plugin's part of the sync did not end within 60 s")
		}
	}
	if got := backend.get("s3/unsent/t/cursor"); got != "" {
		t.Fatalf("the cursor was stored while the SDK still held unsent records: %s", got)
	}
	c.finishMu.Lock()
	pending := c.pending
	c.finishMu.Unlock()
	stopReading()
	if _, err := stream.Recv(); err == nil {
		t.Fatal("the cancelled stream delivered another message")
	}
	select {
	case <-pending.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the sync's end was not noticed within 30 s of the stream's")
	}
	if got := backend.get("s3/unsent/t/cursor"); got != "" {
		t.Fatalf("a sync whose records were not all sent stored the cursor: %s", got)
	}

	msgs, err := syncOnce(t, spec, withBackend)
	if err != nil {
		t.Fatal(err)
	}
	if got := stringValues(msgs, "s"); !slices.Equal(got, []string{big, big, "small"}) {
		t.Fatalf("the next sync must deliver both objects again, got %d rows", len(got))
	}
	if backend.get("s3/unsent/t/cursor") == "" {
		t.Fatal("a sync whose every message was sent stored no cursor")
	}
	msgs, err = syncOnce(t, spec, withBackend)
	if err != nil || len(stringValues(msgs, "s")) != 0 {
		t.Fatalf("after a complete sync, the next reads nothing: %d rows, %v", len(stringValues(msgs, "s")), err)
	}
}

// A cursor the backend does not store fails the sync at OnSyncFinish (plugin-sdk's server then
// ends the stream with the error), and the summary says so.
func TestCursorNotStoredFailsTheSync(t *testing.T) {
	backend := useMemoryBackend(t)
	backend.flushErr = errors.New("the backend is read-only")
	s3 := startS3(t)
	s3.CreateBucket("rofs")
	s3.Put("rofs", "t/a.parquet", writeParquet(t, stringRecord(t, "s", "x"), 10))
	p, logs, err := loggedPlugin(t, s3.specJSON("rofs", ""))
	if err != nil {
		t.Fatal(err)
	}
	_, err = syncAllSent(p, withBackend)
	if err == nil || !strings.Contains(err.Error(), "writing the cursors of table t to the state backend") || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("want the sync to fail storing the cursor, got %v", err)
	}
	if lines := logLines(logs, "sync summary"); len(lines) != 1 || lines[0]["result"] == "ok" {
		t.Fatalf("want one summary that is not ok, got %v", lines)
	}
}

// stringValues is every value of the string column name of the inserts, sorted.
func stringValues(msgs message.SyncMessages, name string) []string {
	var out []string
	for _, ins := range msgs.GetInserts() {
		col := ins.Record.Column(ins.Record.Schema().FieldIndices(name)[0]).(*array.String)
		for i := range col.Len() {
			out = append(out, col.Value(i))
		}
	}
	slices.Sort(out)
	return out
}

// serveOnSocket serves p through plugin-sdk's gRPC server on a unix socket and returns a
// client dialled with opts, once the server answers.
func serveOnSocket(t *testing.T, p *plugin.Plugin, opts ...grpc.DialOption) pb.PluginClient {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "plugin.sock")
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serve.Plugin(p, serve.WithArgs("serve", "--network", "unix", "--address", sock, "--log-level", "error", "--no-sentry")).Serve(ctx)
	}()
	conn, err := grpc.NewClient("unix://"+sock, append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		stop()
		if err := <-served; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("serve: %v", err)
		}
	})
	client := pb.NewPluginClient(conn)
	for ready := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := client.GetName(ctx, &pb.GetName_Request{})
		cancel()
		if err == nil {
			return client
		}
		if time.Now().After(ready) {
			t.Fatalf("the plugin did not answer within 30 s: %v", err)
		}
	}
}

// A sync that changes nothing writes nothing to the state backend; one that reads new objects
// of many tables writes their cursors in one message, not one per table.
func TestCursorCommitWritesOnlyWhatChanged(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("quiet")
	for j := range 30 {
		s3.Put("quiet", fmt.Sprintf("t%02d/a.parquet", j), writeParquet(t, int64Record(t, "n", int64(j)), 10))
	}
	spec := s3.specJSON("quiet", "")
	for i, want := range []int{1, 0} {
		before := backend.flushes
		if _, err := syncOnce(t, spec, withBackend); err != nil {
			t.Fatal(err)
		}
		if got := backend.flushes - before; got != want {
			t.Errorf("sync %d of 30 tables flushed the state %d times, want %d", i+1, got, want)
		}
	}
}
