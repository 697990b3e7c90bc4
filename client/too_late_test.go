package client

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
)

// An object that appears with a LastModified at or before the window start is never read by an
// incremental sync: the summary counts it as objects_too_late, not objects_unchanged, and a
// warning names its key, in the sync that first sees it. An object an earlier sync delivered
// whose LastModified left the window long ago stays "unchanged".
func TestObjectAppearingBeforeTheWindowIsCountedTooLate(t *testing.T) {
	useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("late")
	s3.Put("late", "t/old.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	s3.Put("late", "t/new.parquet", writeParquet(t, int64Record(t, "n", 2), 10))
	longAgo := time.Now().UTC().Add(-30 * 24 * time.Hour).Truncate(time.Second)
	_, spec := behindProxy(t, s3, "late", "",
		s3fault.Rule{Op: s3fault.OpList, Key: "t/old.parquet", Fault: s3fault.FaultLastModified, LastModified: longAgo.Format(time.RFC3339)},
		s3fault.Rule{Op: s3fault.OpList, Key: "t/late.parquet", Fault: s3fault.FaultLastModified, LastModified: longAgo.Add(time.Hour).Format(time.RFC3339)})

	sync := func(wantIDs string) map[string]any {
		t.Helper()
		p, logs, err := loggedPlugin(t, spec)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := p.SyncAll(context.Background(), withBackend)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(syncedIDs(t, msgs)); got != wantIDs {
			t.Fatalf("delivered %s, want %s", got, wantIDs)
		}
		_ = p.OnSyncFinish(context.Background()) // the SDK's server logs the summary once every message is sent
		summary := logLines(logs, "sync summary")
		if len(summary) != 1 {
			t.Fatalf("want one summary line, got %v", summary)
		}
		summary[0]["warnings"] = strings.Count(logs.String(), "t/late.parquet")
		return summary[0]
	}
	counts := func(m map[string]any) string {
		return fmt.Sprintf("unchanged %v, too late %v, key named %v times", m["objects_unchanged"], m["objects_too_late"], m["warnings"])
	}

	sync("[1 2]") // old.parquet leaves the window (30 days before new.parquet, lookback 1h)
	s3.Put("late", "t/late.parquet", writeParquet(t, int64Record(t, "n", 3), 10))
	if got := counts(sync("[]")); got != "unchanged 2, too late 1, key named 1 times" {
		t.Fatalf("the sync that first sees the late object: %s", got)
	}
	if got := counts(sync("[]")); got != "unchanged 3, too late 0, key named 0 times" {
		t.Fatalf("the next sync warns no more: %s", got)
	}
}

func TestKnownFilterHoldsEveryObjectBeforeTheWindow(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var listed []*parquetObject
	for i := range 5000 {
		listed = append(listed, &parquetObject{Object: s3store.Object{Key: fmt.Sprintf("t/%d.parquet", i), ETag: `"e"`, LastModified: start.Add(-time.Duration(i%7) * time.Second)}})
	}
	after := &parquetObject{Object: s3store.Object{Key: "t/after.parquet", ETag: `"e"`, LastModified: start.Add(time.Second)}}
	filter, err := parseKnown(knownFilter(append(listed, after), start))
	if err != nil {
		t.Fatal(err)
	}
	if len(filter) != 5000*knownBitsPerObject/8 {
		t.Fatalf("filter of %d bytes for 5000 objects", len(filter))
	}
	for _, obj := range listed {
		if !knownContains(filter, obj) {
			t.Fatalf("%s is missing from the filter", obj.Key)
		}
	}
	passed := 0
	for i := range 10000 {
		if knownContains(filter, &parquetObject{Object: s3store.Object{Key: fmt.Sprintf("t/other-%d.parquet", i), ETag: `"e"`}}) {
			passed++
		}
	}
	if passed > 200 { // the design's rate is under 1%
		t.Fatalf("%d of 10000 unknown objects pass as known", passed)
	}
	if _, err := parseCursor(`{"v":1,"last_modified":"2026-01-01T00:00:00Z","window_start":"2026-01-01T00:00:00Z","seen":{},"known":"!!"}`); err == nil {
		t.Fatal("a malformed known filter must make the cursor unusable")
	}
}
