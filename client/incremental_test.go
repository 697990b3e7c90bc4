package client

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/state"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
)

// memoryBackend stands in for the state backend: what a flush wrote is there for the next
// client, what was set but not flushed is lost, and a client sees the values of when it
// connected (plus its own), as with plugin-sdk's state client, which reads the whole table
// once when it connects: shards started at the same time do not see each other's values.
type memoryBackend struct {
	mu        sync.Mutex
	committed map[string]string
	connects  int
	flushErr  error // what Flush returns, when set
	flushes   int   // Flush calls
}

type memoryState struct {
	mu      sync.Mutex // as plugin-sdk's state client, it may be used from several goroutines
	b       *memoryBackend
	loaded  map[string]string // the backend's values when the client connected
	changed map[string]string
}

// useMemoryBackend makes every Sync with backend_options use a fresh in-memory backend.
func useMemoryBackend(t *testing.T) *memoryBackend {
	b := &memoryBackend{committed: map[string]string{}}
	old := connectState
	connectState = func(_ context.Context, opts *plugin.BackendOptions) (state.Client, error) {
		if opts.TableName != "cq_state" {
			t.Errorf("backend table %q", opts.TableName)
		}
		return b.connect(), nil
	}
	t.Cleanup(func() { connectState = old })
	return b
}

// connect is a new client of the backend.
func (b *memoryBackend) connect() *memoryState {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.connects++
	return &memoryState{b: b, loaded: maps.Clone(b.committed), changed: map[string]string{}}
}

func (b *memoryBackend) get(key string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.committed[key]
}

func (b *memoryBackend) set(key, value string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.committed[key] = value
}

func (s *memoryState) GetKey(_ context.Context, key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.changed[key]; ok {
		return v, nil
	}
	return s.loaded[key], nil
}

func (s *memoryState) SetKey(_ context.Context, key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed[key] = value
	return nil
}

func (s *memoryState) Flush(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.flushes++
	if s.b.flushErr != nil {
		return s.b.flushErr
	}
	maps.Copy(s.b.committed, s.changed)
	maps.Copy(s.loaded, s.changed)
	clear(s.changed)
	return nil
}

func (*memoryState) Close() error { return nil }

var withBackend = plugin.SyncOptions{Tables: []string{"*"}, BackendOptions: &plugin.BackendOptions{TableName: "cq_state", Connection: "memory"}}

// syncOnce is one CLI run: Init (discovery), then a Sync with the given options, whose every
// message the client took.
func syncOnce(t *testing.T, spec []byte, opts plugin.SyncOptions) (message.SyncMessages, error) {
	t.Helper()
	p, err := initPlugin(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	return syncAllSent(p, opts)
}

// syncAllSent is plugin-sdk's gRPC server's part of a Sync in which every message was sent:
// SyncAll, then OnSyncFinish (called whatever the Sync returned), whose error fails the sync.
func syncAllSent(p *plugin.Plugin, opts plugin.SyncOptions) (message.SyncMessages, error) {
	msgs, err := p.SyncAll(context.Background(), opts)
	if ferr := p.OnSyncFinish(context.Background()); err == nil {
		err = ferr
	}
	return msgs, err
}

// syncedIDs is the "n" column of every row delivered, sorted.
func syncedIDs(t *testing.T, msgs message.SyncMessages) []int64 {
	t.Helper()
	var ids []int64
	for _, ins := range msgs.GetInserts() {
		ids = append(ids, ins.Record.Column(1).(*array.Int64).Int64Values()...)
	}
	slices.Sort(ids)
	return ids
}

func TestIncrementalSyncReadsOnlyWhatTheCursorWants(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("inc")
	s3.Put("inc", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1, 2), 10))
	s3.Put("inc", "t/b.parquet", writeParquet(t, int64Record(t, "n", 3), 10))
	spec := s3.specJSON("inc", "")

	sync := func(want ...int64) {
		t.Helper()
		msgs, err := syncOnce(t, spec, withBackend)
		if err != nil {
			t.Fatal(err)
		}
		if got := syncedIDs(t, msgs); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("delivered %v, want %v", got, want)
		}
		if len(msgs)-len(msgs.GetInserts()) != 1 {
			t.Fatal("the table is declared in every sync, even when nothing is read")
		}
	}
	sync(1, 2, 3)
	first := backend.get("s3/inc/t/cursor")
	if !strings.HasPrefix(first, `{"v":1,`) {
		t.Fatalf("state after the first sync: %q", first)
	}
	sync() // nothing new
	s3.Put("inc", "t/c.parquet", writeParquet(t, int64Record(t, "n", 4), 10))
	sync(4)
	s3.Put("inc", "t/a.parquet", writeParquet(t, int64Record(t, "n", 5, 6, 7), 10)) // overwritten
	sync(5, 6, 7)
	s3.Put("inc", "t/b.parquet", writeParquet(t, int64Record(t, "n", 3), 10)) // rewritten, same bytes: same ETag
	sync()
	if backend.connects != 5 {
		t.Fatalf("want one state connection per sync, got %d", backend.connects)
	}
}

func TestWithoutBackendEverySyncIsFull(t *testing.T) {
	useMemoryBackend(t)
	connectState = func(context.Context, *plugin.BackendOptions) (state.Client, error) {
		t.Fatal("no backend_options: the state backend must not be used")
		return nil, nil
	}
	s3 := startS3(t)
	s3.CreateBucket("full")
	s3.Put("full", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1, 2), 10))
	for range 2 {
		msgs, err := syncOnce(t, s3.specJSON("full", ""), plugin.SyncOptions{Tables: []string{"*"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := syncedIDs(t, msgs); fmt.Sprint(got) != "[1 2]" {
			t.Fatalf("got %v", got)
		}
	}
}

// The fault tests: a Sync that fails after some objects were delivered stores nothing, and
// the next Sync reads every object the failed one was to read.
func TestFailedSyncLeavesTheCursor(t *testing.T) {
	for _, how := range []string{"S3 fails", "cancelled"} {
		t.Run(how, func(t *testing.T) {
			backend := useMemoryBackend(t)
			s3 := startS3(t)
			s3.CreateBucket("fail")
			s3.Put("fail", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
			if _, err := syncOnce(t, s3.specJSON("fail", ""), withBackend); err != nil {
				t.Fatal(err)
			}
			before := backend.get("s3/fail/t/cursor")
			for i := range 5 {
				s3.Put("fail", fmt.Sprintf("t/new-%d.parquet", i), writeParquet(t, int64Record(t, "n", int64(10+i)), 10))
			}
			proxy, spec := behindProxy(t, s3, "fail", `,"max_attempts":1,"concurrency":1`)
			p, err := initPlugin(t, spec)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if how == "S3 fails" { // every request for t/new-3.parquet from now on: after Init, during the Sync
				if err := proxy.SetRules(s3fault.Rule{Key: "t/new-3.parquet", Fault: s3fault.FaultStatus, Status: 500, Code: "InternalError"}); err != nil {
					t.Fatal(err)
				}
			}
			res := make(chan message.SyncMessage)
			done := make(chan error, 1)
			go func() { done <- p.Sync(ctx, withBackend, res); close(res) }()
			var delivered []int64
			for m := range res {
				if ins, ok := m.(*message.SyncInsert); ok {
					delivered = append(delivered, ins.Record.Column(1).(*array.Int64).Int64Values()...)
					if how == "cancelled" && len(delivered) == 2 {
						cancel()
					}
				}
			}
			err = <-done
			want := map[string]string{"S3 fails": "t/new-3.parquet", "cancelled": "context canceled"}[how]
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("want the sync to fail with %q, got %v", want, err)
			}
			if len(delivered) == 0 {
				t.Fatal("the failure should come after some objects were delivered (concurrency 1, keys in order)")
			}
			if got := backend.get("s3/fail/t/cursor"); got != before {
				t.Fatalf("a failed sync moved the cursor:\n%s\n%s", before, got)
			}
			msgs, err := syncOnce(t, s3.specJSON("fail", ""), withBackend)
			if err != nil {
				t.Fatal(err)
			}
			if got := syncedIDs(t, msgs); fmt.Sprint(got) != "[10 11 12 13 14]" {
				t.Fatalf("the next sync must read every object the failed one was to read, got %v (the failed one delivered %v)", got, delivered)
			}
		})
	}
}

// The replaced plugin's cursor (key last_modified_cursor, an RFC 3339 time) is used once: what
// it delivered is not read again, and the new key replaces it.
func TestStateFromTheReplacedPlugin(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("legacy")
	s3.Put("legacy", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	s3.Put("legacy", "t/b.parquet", writeParquet(t, int64Record(t, "n", 2), 10))
	s3.Put("legacy", "t/c.parquet", writeParquet(t, int64Record(t, "n", 3), 10))
	old := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	_, spec := behindProxy(t, s3, "legacy", "",
		s3fault.Rule{Op: s3fault.OpList, Key: "t/[ab].parquet", Fault: s3fault.FaultLastModified, LastModified: old.Format(time.RFC3339)},
		s3fault.Rule{Op: s3fault.OpList, Key: "t/c.parquet", Fault: s3fault.FaultLastModified, LastModified: old.Add(time.Second).Format(time.RFC3339)})
	backend.set("s3/legacy/t/last_modified_cursor", old.Format(time.RFC3339Nano))
	msgs, err := syncOnce(t, spec, withBackend)
	if err != nil {
		t.Fatal(err)
	}
	if got := syncedIDs(t, msgs); fmt.Sprint(got) != "[3]" {
		t.Fatalf("only the object after the replaced plugin's cursor: got %v", got)
	}
	if backend.get("s3/legacy/t/last_modified_cursor") != "" || backend.get("s3/legacy/t/cursor") == "" {
		t.Fatalf("state after the first sync: %v", backend.committed)
	}
}

func TestUnusableStateFailsTheSyncBeforeAnyMessage(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("corrupt")
	s3.Put("corrupt", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	for key, value := range map[string]string{
		"s3/corrupt/t/cursor":               `{"v":1,"last_modified":"yesterday"}`,
		"s3/corrupt/t/last_modified_cursor": "yesterday",
	} {
		t.Run(key, func(t *testing.T) {
			clear(backend.committed)
			backend.set(key, value)
			msgs, err := syncOnce(t, s3.specJSON("corrupt", ""), withBackend)
			for _, want := range []string{"table t", "state key " + key, "backend table cq_state", "delete that row"} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("want an error containing %q, got %v", want, err)
				}
			}
			if len(msgs) != 0 {
				t.Fatalf("nothing may be sent before the state is known good, got %d messages", len(msgs))
			}
		})
	}
}

// When a table's columns change, its destination table may have been recreated (migrate_mode:
// forced), so every object is read again.
func TestChangedColumnsReadEverythingAgain(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("cols")
	s3.Put("cols", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	spec := s3.specJSON("cols", "")
	if _, err := syncOnce(t, spec, withBackend); err != nil {
		t.Fatal(err)
	}
	c, err := parseCursor(backend.get("s3/cols/t/cursor"))
	if err != nil {
		t.Fatal(err)
	}
	c.Columns = "0123456789abcdef" // written when the table had other columns
	backend.set("s3/cols/t/cursor", c.encode())
	msgs, err := syncOnce(t, spec, withBackend)
	if err != nil {
		t.Fatal(err)
	}
	if got := syncedIDs(t, msgs); fmt.Sprint(got) != "[1]" {
		t.Fatalf("got %v", got)
	}
}
