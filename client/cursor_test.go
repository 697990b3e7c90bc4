package client

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
)

var t0 = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func obj(key, etag string, lm time.Time) *parquetObject {
	return &parquetObject{Object: s3store.Object{Key: key, ETag: etag, LastModified: lm}}
}

// cursorAfter is the cursor a first sync of objs leaves.
func cursorAfter(t *testing.T, lookback time.Duration, objs ...*parquetObject) *tableCursor {
	t.Helper()
	c, _ := (*tableCursor)(nil).advance(objs, lookback, "cols")
	if c == nil {
		t.Fatal("no cursor after a sync that read objects")
	}
	return c
}

func TestCursorWindowEdges(t *testing.T) {
	const lookback = time.Hour
	delivered := []*parquetObject{
		obj("a.parquet", `"e1"`, t0.Add(-2*time.Hour)),
		obj("b.parquet", `"e2"`, t0.Add(-30*time.Minute)),
		obj("c.parquet", `"e3"`, t0),
	}
	c := cursorAfter(t, lookback, delivered...)
	if !c.LastModified.Equal(t0) || !c.WindowStart.Equal(t0.Add(-lookback)) {
		t.Fatalf("cursor %s, window start %s; want %s and %s", c.LastModified, c.WindowStart, t0, t0.Add(-lookback))
	}
	cases := []struct {
		why  string
		obj  *parquetObject
		want bool
	}{
		{"delivered, newest", delivered[2], false},
		{"delivered, inside the window", delivered[1], false},
		{"delivered, before the window", delivered[0], false},
		{"new, newer than the cursor", obj("d.parquet", `"e4"`, t0.Add(time.Second)), true},
		{"new, in the cursor's own second (S3's resolution)", obj("d.parquet", `"e4"`, t0), true},
		{"new, in the cursor's second with milliseconds", obj("d.parquet", `"e4"`, t0.Add(700*time.Millisecond)), true},
		{"late upload: older than the cursor, inside the window", obj("late.parquet", `"e5"`, t0.Add(-59*time.Minute)), true},
		{"exactly at cursor − lookback: counts as delivered", obj("late.parquet", `"e5"`, t0.Add(-lookback)), false},
		{"one second after cursor − lookback", obj("late.parquet", `"e5"`, t0.Add(-lookback+time.Second)), true},
		{"overwritten: same key, new ETag, newer", obj("b.parquet", `"e9"`, t0.Add(time.Minute)), true},
		{"overwritten inside the window with an older LastModified", obj("b.parquet", `"e9"`, t0.Add(-10*time.Minute)), true},
		{"overwritten before the window (an upload late by more than the lookback): missed", obj("a.parquet", `"e9"`, t0.Add(-90*time.Minute)), false},
		{"same ETag under another key", obj("copy-of-c.parquet", `"e3"`, t0), true},
	}
	for _, tc := range cases {
		if got := c.wants(tc.obj); got != tc.want {
			t.Errorf("%s: wants(%s %s %s) = %v, want %v", tc.why, tc.obj.Key, tc.obj.ETag, tc.obj.LastModified.Format(time.RFC3339Nano), got, tc.want)
		}
	}
	if len(c.Seen) != 2 {
		t.Errorf("seen keeps the objects inside the window only (b, c), got %d entries", len(c.Seen))
	}
}

func TestNoCursorReadsEverything(t *testing.T) {
	var c *tableCursor
	if !c.wants(obj("a.parquet", `"e"`, time.Unix(0, 0))) {
		t.Fatal("a table without state must be read in full")
	}
	if next, _ := c.advance(nil, time.Hour, "cols"); next != nil {
		t.Fatalf("a sync that read nothing, without state, must leave no state, got %+v", next)
	}
}

func TestCursorAdvance(t *testing.T) {
	c := cursorAfter(t, time.Hour, obj("a.parquet", `"e1"`, t0))

	// A later sync reads a late upload and a new object; the window follows the newest.
	late, newer := obj("late.parquet", `"e2"`, t0.Add(-20*time.Minute)), obj("n.parquet", `"e3"`, t0.Add(2*time.Hour))
	next, narrowed := c.advance([]*parquetObject{late, newer}, time.Hour, "cols")
	if narrowed || !next.LastModified.Equal(newer.LastModified) || !next.WindowStart.Equal(t0.Add(time.Hour)) {
		t.Fatalf("got last_modified %s window_start %s narrowed %v", next.LastModified, next.WindowStart, narrowed)
	}
	if len(next.Seen) != 1 || next.wants(newer) || next.wants(late) || next.wants(obj("a.parquet", `"e1"`, t0)) {
		t.Fatalf("entries that left the window are dropped, the rest kept: %v", next.Seen)
	}

	// Nothing read: the same cursor (its value does not change, so nothing is written).
	same, _ := next.advance(nil, time.Hour, "cols")
	if same.encode() != next.encode() {
		t.Fatalf("an empty sync changed the cursor:\n%s\n%s", next.encode(), same.encode())
	}

	// A longer lookback never moves the window back (those objects already count as delivered)…
	wider, _ := next.advance(nil, 24*time.Hour, "cols")
	if !wider.WindowStart.Equal(next.WindowStart) {
		t.Fatalf("window moved back from %s to %s", next.WindowStart, wider.WindowStart)
	}
	// …and a shorter one moves it forward at once.
	narrower, _ := next.advance(nil, time.Minute, "cols")
	if !narrower.WindowStart.Equal(newer.LastModified.Add(-time.Minute)) || len(narrower.Seen) != 1 {
		t.Fatalf("window %s, seen %v", narrower.WindowStart, narrower.Seen)
	}
}

// The cursor is a pure function of what was delivered: the same objects in any order give the same value.
func TestCursorValueIsDeterministic(t *testing.T) {
	objs := []*parquetObject{obj("a", `"1"`, t0), obj("b", `"2"`, t0.Add(-time.Minute)), obj("c", `"3"`, t0.Add(-2*time.Minute))}
	a := cursorAfter(t, time.Hour, objs...).encode()
	b := cursorAfter(t, time.Hour, objs[2], objs[0], objs[1]).encode()
	if a != b {
		t.Fatalf("%s\n%s", a, b)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := cursorAfter(t, time.Hour, obj("a.parquet", `"e1"`, t0), obj("b.parquet", `"e2"`, t0.Add(-time.Minute)))
	back, err := parseCursor(c.encode())
	if err != nil {
		t.Fatal(err)
	}
	if back.encode() != c.encode() {
		t.Fatalf("round trip changed the cursor:\n%s\n%s", c.encode(), back.encode())
	}
	if !strings.HasPrefix(c.encode(), `{"v":1,"last_modified":"2024-06-01T12:00:00Z","window_start":"2024-06-01T11:00:00Z","columns":"cols","seen":{`) {
		t.Fatalf("state value: %s", c.encode())
	}
}

// The state the replaced plugin left: it read every object up to its cursor, and only those.
func TestCursorFromTheReplacedPlugin(t *testing.T) {
	c, err := parseLegacyCursor("2024-06-01T12:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if c.wants(obj("old.parquet", `"e"`, t0)) || c.wants(obj("older.parquet", `"e"`, t0.Add(-time.Minute))) {
		t.Fatal("objects at or before the replaced plugin's cursor were delivered by it")
	}
	if !c.wants(obj("new.parquet", `"e"`, t0.Add(time.Second))) {
		t.Fatal("objects after the replaced plugin's cursor must be read")
	}
	next, _ := c.advance([]*parquetObject{obj("new.parquet", `"e"`, t0.Add(time.Second))}, time.Hour, "cols")
	if !next.WindowStart.Equal(t0) {
		t.Fatalf("the window never starts before what the replaced plugin delivered: %s", next.WindowStart)
	}
}

func TestUnusableStateIsAnError(t *testing.T) {
	valid := cursorAfter(t, time.Hour, obj("a", `"1"`, t0)).encode()
	cases := map[string]string{
		"":        "not a cursor of this plugin",
		"garbage": "not a cursor of this plugin",
		`{"v":1}`: "without last_modified or window_start",
		strings.Replace(valid, `"v":1`, `"v":2`, 1): "cursor version 2",
		valid + `{}`: "data after the JSON object",
		strings.Replace(valid, `"seen":{`, `"extra":1,"seen":{`, 1):                                           "unknown field",
		`{"v":1,"last_modified":"2024-06-01T12:00:00Z","window_start":"2024-06-01T13:00:00Z","seen":{}}`:      "is after its last_modified",
		`{"v":1,"last_modified":"2024-06-01T12:00:00Z","window_start":"2024-06-01T11:00:00Z","seen":{"x":1}}`: "malformed seen entry",
	}
	for value, want := range cases {
		if _, err := parseCursor(value); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseCursor(%q): got %v, want an error containing %q", value, err, want)
		}
	}
	if _, err := parseLegacyCursor("yesterday"); err == nil || !strings.Contains(err.Error(), "not an RFC 3339 time") {
		t.Errorf("legacy cursor: got %v", err)
	}
}

// One table's state is bounded: past maxSeenObjects entries inside the lookback, the oldest
// whole seconds leave the window, and the caller is told (it logs a warning).
func TestSeenIsBounded(t *testing.T) {
	objs := make([]*parquetObject, 0, maxSeenObjects+500)
	for i := range maxSeenObjects + 500 {
		// 10 objects a second over the last ~10,050 seconds, the newest at t0.
		objs = append(objs, obj(fmt.Sprintf("k/%07d.parquet", i), fmt.Sprintf(`"%x"`, i), t0.Add(-time.Duration((maxSeenObjects+499-i)/10)*time.Second)))
	}
	c, narrowed := (*tableCursor)(nil).advance(objs, 24*time.Hour, "cols")
	if !narrowed {
		t.Fatal("want the window narrowed")
	}
	if len(c.Seen) > maxSeenObjects || len(c.Seen) < maxSeenObjects-10 {
		t.Fatalf("seen has %d entries, want at most %d and whole seconds only", len(c.Seen), maxSeenObjects)
	}
	if !c.WindowStart.After(t0.Add(-24 * time.Hour)) {
		t.Fatalf("window start %s was not moved", c.WindowStart)
	}
	for _, o := range objs {
		if c.wants(o) {
			t.Fatalf("%s was delivered but the cursor wants it again", o.Key)
		}
	}
	if size := len(c.encode()); size > 40*maxSeenObjects {
		t.Fatalf("state value of %d bytes", size)
	} else {
		t.Logf("state value at the bound: %d bytes (%d entries)", size, len(c.Seen))
	}
}
