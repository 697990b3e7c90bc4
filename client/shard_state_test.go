package client

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cloudquery/plugin-sdk/v4/plugin"
)

func TestNextShards(t *testing.T) {
	if v, err := nextShards("", 1); v != "" || err != nil {
		t.Fatalf("never sharded, unsharded sync: %q, %v", v, err)
	}
	four, err := nextShards("", 4)
	if err != nil || !shardsValuePattern.MatchString(four) || !strings.HasPrefix(four, "4:") {
		t.Fatalf("first sharded sync: %q, %v", four, err)
	}
	if again, _ := nextShards(four, 4); again != four {
		t.Fatalf("same total: %q became %q", four, again)
	}
	two, _ := nextShards(four, 2)
	fourAgain, _ := nextShards(two, 4)
	if !strings.HasPrefix(two, "2:") || !strings.HasPrefix(fourAgain, "4:") || fourAgain == four {
		t.Fatalf("4 → 2 → 4: %q, %q, %q (the second 4 must not be the first)", four, two, fourAgain)
	}
	if one, _ := nextShards(four, 1); !strings.HasPrefix(one, "1:") {
		t.Fatalf("back to unsharded: %q", one)
	}
	for _, bad := range []string{"4", "0:0123456789abcdef", "x:0123456789abcdef", "4:0123"} {
		if _, err := nextShards(bad, 4); err == nil {
			t.Errorf("stored %q: no error", bad)
		}
	}
}

// incrementalShardRun is one CLI run of one shard with backend_options: rows and log.
func incrementalShardRun(t *testing.T, spec []byte, s *plugin.Shard) (ids []int64, warnings []string) {
	t.Helper()
	p, logs, err := loggedPlugin(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	opts := withBackend
	opts.Shard = s
	msgs, err := syncAllSent(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["level"] == "warn" {
			warnings = append(warnings, fmt.Sprint(m["message"]))
		}
	}
	return syncedIDs(t, msgs), warnings
}

func TestShardedIncrementalState(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("sinc")
	keyOf := map[int64]string{}
	for j := range int64(60) {
		key := fmt.Sprintf("t/o-%02d.parquet", j)
		s3.Put("sinc", key, writeParquet(t, int64Record(t, "n", j), 10))
		keyOf[j] = key
	}
	spec := s3.specJSON("sinc", "")
	all := func(extra ...int64) []int64 {
		ids := slices.Concat(slices.Sorted(func(yield func(int64) bool) {
			for j := range keyOf {
				if !yield(j) {
					return
				}
			}
		}), extra)
		slices.Sort(ids)
		return ids
	}
	// runAll runs every shard of total in turn, as N jobs would, and checks each delivered
	// exactly its own objects of the wanted ones, and warned as wanted.
	runAll := func(total int, want []int64, warning func(num int) string) {
		t.Helper()
		var union []int64
		for num := 1; num <= total; num++ {
			ids, warnings := incrementalShardRun(t, spec, &plugin.Shard{Num: int32(num), Total: int32(total)})
			for _, id := range ids {
				if owner := shardOf(keyOf[id], total); owner != num {
					t.Fatalf("shard %d/%d delivered %d, owned by shard %d", num, total, id, owner)
				}
			}
			union = append(union, ids...)
			w := warning(num)
			if got := strings.Join(warnings, "\n"); (w == "") != (got == "") || !strings.Contains(got, w) {
				t.Errorf("shard %d/%d warned %q, want %q", num, total, got, w)
			}
		}
		slices.Sort(union)
		if !slices.Equal(union, want) {
			t.Fatalf("%d shards delivered %v together, want %v", total, union, want)
		}
	}
	none := func(int) string { return "" }
	// The first shard to run after a change says so; the others find no cursor of their own.
	changed := func(from, to int) func(int) string {
		return func(num int) string {
			if num > 1 {
				return ""
			}
			return fmt.Sprintf("the shard total changed from %d to %d", from, to)
		}
	}

	runAll(4, all(), none)
	shards4 := backend.get("s3/sinc/t/shards")
	if !strings.HasPrefix(shards4, "4:") {
		t.Fatalf("shards value after the first 4-shard run: %q", shards4)
	}
	for num := 1; num <= 4; num++ {
		c, err := parseCursor(backend.get(fmt.Sprintf("s3/sinc/t/shard/%d-of-4/cursor", num)))
		if err != nil || c.Shards != shards4 {
			t.Fatalf("shard %d/4: cursor %+v, %v", num, c, err)
		}
	}
	if v := backend.get("s3/sinc/t/cursor"); v != "" {
		t.Fatalf("a sharded run wrote the unsharded cursor: %q", v)
	}

	runAll(4, nil, none) // nothing new: no shard reads anything

	s3.Put("sinc", "t/new.parquet", writeParquet(t, int64Record(t, "n", 1000), 10))
	keyOf[1000] = "t/new.parquet"
	runAll(4, []int64{1000}, none) // exactly its owner delivers it (checked in runAll)

	runAll(2, all(), changed(4, 2))
	runAll(2, nil, none)

	// Back to 4: shard 1/4 sees the change; the others run after it stored the new shards
	// value, and find their cursors of the first 4-shard run stale.
	runAll(4, all(), func(num int) string {
		if num == 1 {
			return "the shard total changed from 2 to 4"
		}
		return "this shard's cursor was written before the shard total last changed"
	})
	if v := backend.get("s3/sinc/t/shards"); !strings.HasPrefix(v, "4:") || v == shards4 {
		t.Fatalf("shards value after 4 → 2 → 4: %q (the first was %q)", v, shards4)
	}
	runAll(4, nil, none)

	// Unsharded, and --shard 1/1, share one cursor.
	runAll(1, all(), changed(4, 1))
	if ids, _ := incrementalShardRun(t, spec, nil); len(ids) != 0 {
		t.Fatalf("unsharded after 1/1 read %v", ids)
	}
	if !strings.HasPrefix(backend.get("s3/sinc/t/shards"), "1:") {
		t.Fatalf("shards value after the unsharded runs: %q", backend.get("s3/sinc/t/shards"))
	}
}

func TestUnusableShardsValueFailsTheSync(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("badshards")
	s3.Put("badshards", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	backend.set("s3/badshards/t/shards", "four")
	msgs, err := syncOnce(t, s3.specJSON("badshards", ""), withBackend)
	if err == nil || !strings.Contains(err.Error(), "state key s3/badshards/t/shards in backend table cq_state cannot be used") || len(msgs) != 0 {
		t.Fatalf("error %v after %d messages: want the key named before any message", err, len(msgs))
	}
}

// State of unsharded syncs (no shards value yet), then shards: the change is still named.
func TestFirstShardedSyncAfterUnshardedOnesSaysSo(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("unsharded")
	s3.Put("unsharded", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	s3.Put("unsharded", "t/b.parquet", writeParquet(t, int64Record(t, "n", 2), 10))
	spec := s3.specJSON("unsharded", "")
	if ids, warnings := incrementalShardRun(t, spec, nil); len(ids) != 2 || len(warnings) != 0 {
		t.Fatalf("unsharded: %v, warnings %q", ids, warnings)
	}
	if v := backend.get("s3/unsharded/t/shards"); v != "" {
		t.Fatalf("an unsharded sync of a bucket never sharded stored a shards value %q", v)
	}
	var union []int64
	for num := int32(1); num <= 2; num++ {
		ids, warnings := incrementalShardRun(t, spec, &plugin.Shard{Num: num, Total: 2})
		union = append(union, ids...)
		if want := num == 1; want != (len(warnings) == 1 && strings.Contains(warnings[0], "the shard total changed from 1 to 2")) {
			t.Errorf("shard %d/2 warned %q", num, warnings)
		}
	}
	if slices.Sort(union); !slices.Equal(union, []int64{1, 2}) {
		t.Fatalf("2 shards after unsharded syncs delivered %v, want every object again", union)
	}
}
