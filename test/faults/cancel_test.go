package faults

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// releaseLimit is how long a cancelled call may keep the plugin's lock: the plugin notices
// the cancellation at its next send or S3 read.
const releaseLimit = 5 * time.Second

func TestCancelDuringTableDefinitions(t *testing.T) {
	t.Parallel()
	ds := newDataset()
	for i := range 300 {
		ds.add(t, fmt.Sprintf("t%03d/part.parquet", i), fmt.Sprintf("t%03d", i), parquetgen.Rows(int64(i)*10, 10), parquetgen.Layout{})
	}
	e := newEnv(t, ds)
	e.mustInit(nil)
	res, err := e.plugin.sync(context.Background(), []string{"*"}, func(m *pb.Sync_Response) bool {
		return m.GetMigrateTable() == nil // stop reading at the first table definition
	})
	if !errors.Is(err, context.Canceled) || len(res.migrations) != 1 {
		t.Fatalf("want a sync cancelled after 1 of 300 table definitions, got %d definitions, %v", len(res.migrations), err)
	}
	nextSyncIsExact(t, e, nil)
}

func TestCancelDuringRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t, standardDataset(t))
	e.mustInit(map[string]any{"concurrency": 2})
	e.rules(s3fault.Rule{Op: s3fault.OpGet, Fault: s3fault.FaultDelay, DelayMS: 100})
	res, err := e.plugin.sync(context.Background(), []string{"*"}, func(m *pb.Sync_Response) bool {
		return m.GetInsert() == nil // stop reading at the first record
	})
	if !errors.Is(err, context.Canceled) || len(res.records) != 1 {
		t.Fatalf("want a sync cancelled at its first record, got %v", err)
	}
	e.rules()
	nextSyncIsExact(t, e, map[string]any{"concurrency": 2})
	if s := e.plugin.logLines("sync summary"); len(s) < 2 || s[0]["result"] != "cancelled" {
		t.Fatalf("the cancelled sync's summary should say so: %v", s)
	}
}

func TestCancelDuringInit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, standardDataset(t))
	e.rules(s3fault.Rule{Op: s3fault.OpGet, Fault: s3fault.FaultStall})
	// Whichever side notices the deadline first, the client and the plugin (which holds its
	// error until gRPC has ended the call: plugin/caller_status.go), the status is the deadline's.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := e.plugin.init(ctx, e.spec(nil)); status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("want Init to end with the client's deadline, got %v", err)
	}
	e.rules()
	nextSyncIsExact(t, e, nil)
}

// nextSyncIsExact: once the cancelled call lets go, Init and Sync work and are exact.
func nextSyncIsExact(t *testing.T, e *env, extra map[string]any) {
	t.Helper()
	busy, err := e.plugin.initEventually(e.spec(extra), releaseLimit)
	if err != nil {
		t.Fatalf("Init after the cancellation: %v", err)
	}
	t.Logf("the cancelled call held the plugin for %s more", busy.Round(time.Millisecond))
	res, err := e.syncAll()
	expectExact(t, res, err, e.ds.want())
}

func TestSIGTERMDuringSyncExitsCleanly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, standardDataset(t))
	e.mustInit(map[string]any{"concurrency": 2})
	e.rules(s3fault.Rule{Op: s3fault.OpGet, Fault: s3fault.FaultDelay, DelayMS: 200})
	var signalled time.Time
	_, err := e.plugin.sync(context.Background(), []string{"*"}, func(m *pb.Sync_Response) bool {
		if m.GetInsert() != nil && signalled.IsZero() { // rows are flowing: stop the plugin
			signalled = time.Now()
			_ = e.plugin.cmd.Process.Signal(syscall.SIGTERM)
		}
		return true
	})
	if err == nil {
		t.Fatal("the sync finished although the plugin was stopped")
	}
	select {
	case <-e.plugin.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the plugin did not exit within 10 s of SIGTERM")
	}
	if code := e.plugin.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
	if out := e.plugin.output(); strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
		t.Fatalf("the plugin did not stop cleanly:\n%s", tail(out, 4000))
	}
	t.Logf("exited 0 %s after SIGTERM", time.Since(signalled).Round(time.Millisecond))
}
