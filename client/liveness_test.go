package client

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/rs/zerolog"
)

// A client that takes one message and then stops reading, without cancelling, fails the sync
// after spec.send_timeout: the plugin's lock is released for the next Sync, and none of the
// sync's goroutines is left behind.
func TestSyncFailsWhenTheClientStopsReading(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("lake")
	for i := range 20 {
		s3.Put("lake", "t/part-"+string(rune('a'+i))+".parquet", writeParquet(t, allTypesRecord(t, int64(i)*100, 100), 1000))
	}
	p, err := initPlugin(t, s3.specJSON("lake", `,"send_timeout":"1s","concurrency":16`))
	if err != nil {
		t.Fatal(err)
	}
	res := make(chan message.SyncMessage)
	done := make(chan error, 1)
	go func() { done <- p.Sync(context.Background(), plugin.SyncOptions{Tables: []string{"*"}}, res) }()
	<-res // the table; then the client reads nothing more and never cancels
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "spec.send_timeout") || !strings.Contains(err.Error(), "stopped reading") {
			t.Fatalf("want an error naming spec.send_timeout, got %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the sync is still blocked 30 s after the client stopped reading (send_timeout 1s)")
	}
	deadline := time.Now().Add(10 * time.Second)
	for syncGoroutines() != "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if left := syncGoroutines(); left != "" {
		t.Fatalf("goroutines of the failed sync are still running:\n%s", left)
	}
	if msgs := syncAll(t, p); len(msgs.GetInserts()) == 0 {
		t.Fatal("the next sync delivered nothing")
	}
}

// syncGoroutines is the stacks of the goroutines running this package's sync code.
func syncGoroutines() string {
	buf := make([]byte, 16<<20)
	var left []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		for _, f := range []string{"client.(*syncer)", "client.(*recordSender)", "client.send(", "client.(*segmentCache)", "client.(*batchReader)", "client.(*Client).Sync("} {
			if strings.Contains(g, f) {
				left = append(left, g)
				break
			}
		}
	}
	return strings.Join(left, "\n\n")
}

// The summary of a sync whose messages the SDK did not all send (its stream ended first) is
// not ok, even though the plugin's own part succeeded.
func TestSyncSummaryWaitsForTheSDK(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("lake")
	s3.Put("lake", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1, 2, 3), 10))
	var logs bytes.Buffer
	pc, err := New(context.Background(), zerolog.New(&logs), s3.specJSON("lake", ""), plugin.NewClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := pc.(*Client)
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan message.SyncMessage)
	go func() {
		for range res { // the SDK takes every message, then its stream ends before it sent them
		}
	}()
	err = c.Sync(ctx, plugin.SyncOptions{Tables: []string{"*"}}, res)
	close(res)
	if err != nil {
		t.Fatal(err)
	}
	if lines := logLines(&logs, "sync summary"); len(lines) != 0 {
		t.Fatalf("the summary must wait for the SDK, got %v", lines)
	}
	c.finishMu.Lock()
	pending := c.pending
	c.finishMu.Unlock()
	cancel() // the stream ends: the SDK never called OnSyncFinish
	select {
	case <-pending.done:
	case <-time.After(30 * time.Second):
		t.Fatal("no summary 30 s after the stream ended")
	}
	lines := logLines(&logs, "sync summary")
	if len(lines) != 1 || lines[0]["result"] == "ok" || !strings.Contains(fmt.Sprint(lines[0]["error"]), "before plugin-sdk sent every message") {
		t.Fatalf("want one summary that is not ok, got %v", lines)
	}
	_ = c.OnSyncFinish(context.Background()) // too late: nothing more is logged
	if n := len(logLines(&logs, "sync summary")); n != 1 {
		t.Fatalf("%d summary lines", n)
	}
}
