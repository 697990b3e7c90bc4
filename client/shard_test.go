package client

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
)

// The partition is part of the plugin's contract (docs/scale.md, "Sharding a bucket over N processes"): these shards
// were computed independently, with Python's hashlib, as docs/scale.md shows. Changing the
// function would move objects between shards for every user.
func TestShardOfIsStable(t *testing.T) {
	for key, want := range map[string][4]int{
		"events/part-0000.parquet":           {2, 4, 4, 372},
		"data/2024/01/14/datafile_3.parquet": {1, 3, 3, 603},
		"datafile_0.parquet":                 {2, 2, 2, 426},
		"日本/データ.parquet":                     {2, 2, 6, 326},
		"a":                                  {1, 3, 11, 251},
	} {
		for i, total := range []int{2, 4, 16, 1000} {
			if got := shardOf(key, total); got != want[i] {
				t.Errorf("shardOf(%q, %d) = %d, want %d", key, total, got, want[i])
			}
		}
	}
}

// Key patterns of real buckets: sequential part numbers, Hive partitions, hashes in names.
func balanceKeys(pattern string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		switch pattern {
		case "sequential":
			keys[i] = fmt.Sprintf("events/part-%07d.parquet", i)
		case "hive":
			keys[i] = fmt.Sprintf("data/year=%d/month=%02d/day=%02d/hour=%02d/part-%d.snappy.parquet", 2020+i/(12*28*24*2)%5, 1+i/(28*24*2)%12, 1+i/(24*2)%28, i/2%24, i%2)
		case "uuid-like":
			keys[i] = fmt.Sprintf("exports/%08x-%04x-4000-8000-%012x.parquet", i*2654435761%(1<<32), i%65536, i)
		}
	}
	return keys
}

func TestShardOfIsBalanced(t *testing.T) {
	const n = 200_000
	for _, pattern := range []string{"sequential", "hive", "uuid-like"} {
		keys := balanceKeys(pattern, n)
		for _, total := range []int{2, 3, 4, 7, 16} {
			counts := make([]int, total+1)
			for _, k := range keys {
				counts[shardOf(k, total)]++
			}
			want := float64(n) / float64(total)
			for s := 1; s <= total; s++ {
				// 200,000 keys: one standard deviation is under 1% of a shard for 16 shards.
				if dev := math.Abs(float64(counts[s])-want) / want; dev > 0.04 {
					t.Errorf("%s keys, %d shards: shard %d holds %d, %.1f%% off the even %d", pattern, total, s, counts[s], 100*dev, int(want))
				}
			}
		}
	}
}

func TestShardOfBounds(t *testing.T) {
	keys := balanceKeys("sequential", 5_000)
	for total := 1; total <= 64; total++ {
		seen := map[int]bool{}
		for _, k := range keys {
			s := shardOf(k, total)
			if s < 1 || s > total {
				t.Fatalf("shardOf(%q, %d) = %d: out of 1..%d", k, total, s, total)
			}
			seen[s] = true
		}
		if len(seen) != total {
			t.Errorf("%d shards: only %d of them own any of 5,000 keys", total, len(seen))
		}
	}
	if shardOf("", 3) < 1 {
		t.Error("the empty key has no shard")
	}
}

func TestParseShard(t *testing.T) {
	if s, err := parseShard(nil); err != nil || s != unsharded {
		t.Fatalf("no shard: %v, %v", s, err)
	}
	if s, err := parseShard(&plugin.Shard{Num: 4, Total: 4}); err != nil || s != (shard{4, 4}) || s.String() != "4/4" {
		t.Fatalf("4/4: %v, %v", s, err)
	}
	for _, bad := range []plugin.Shard{{Num: 0, Total: 4}, {Num: 5, Total: 4}, {Num: -1, Total: 4}, {Num: 1, Total: 0}, {Num: 0, Total: 0}, {Num: 1, Total: -2}} {
		_, err := parseShard(&bad)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("invalid shard %d/%d", bad.Num, bad.Total)) || !strings.Contains(err.Error(), "--shard 1/4") {
			t.Errorf("shard %d/%d: error %v, want one naming the shard and the form", bad.Num, bad.Total, err)
		}
	}
}

// nullableRecord is n as an OPTIONAL column: one file of a table makes the table's column
// nullable, so every shard must have read that file's footer to declare the same column.
func nullableRecord(t *testing.T, n ...int64) arrow.RecordBatch {
	t.Helper()
	values := make([]any, len(n))
	for i, v := range n {
		values[i] = v
	}
	return recordOf(t, arrow.Field{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, values...)
}

// shardedBucket has three tables: events (120 objects and one that is not Parquet), metrics
// (40, one with n nullable), tiny (2: some shards own none). Object j holds n = 10j, 10j+1.
func shardedBucket(t *testing.T, s3 *testS3, bucket string) (keyOf map[int64]string) {
	t.Helper()
	s3.CreateBucket(bucket)
	keyOf = map[int64]string{}
	put := func(key string, j int64, rec func(*testing.T, ...int64) arrow.RecordBatch) {
		s3.Put(bucket, key, writeParquet(t, rec(t, 10*j, 10*j+1), 100))
		keyOf[10*j], keyOf[10*j+1] = key, key
	}
	j := int64(0)
	for i := range 120 {
		put(fmt.Sprintf("events/part-%03d.parquet", i), j, func(t *testing.T, v ...int64) arrow.RecordBatch { return int64Record(t, "n", v...) })
		j++
	}
	for i := range 40 {
		rec := func(t *testing.T, v ...int64) arrow.RecordBatch { return int64Record(t, "n", v...) }
		if i == 17 {
			rec = nullableRecord
		}
		put(fmt.Sprintf("metrics/2024/m-%02d.parquet", i), j, rec)
		j++
	}
	for i := range 2 {
		put(fmt.Sprintf("tiny/x-%d.parquet", i), j, func(t *testing.T, v ...int64) arrow.RecordBatch { return int64Record(t, "n", v...) })
		j++
	}
	s3.Put(bucket, "events/broken.parquet", []byte("not a parquet file at all"))
	return keyOf
}

// shardRun is what one shard's Init and Sync delivered.
type shardRun struct {
	tables  []string // "name: columns fingerprint", in the order declared
	ids     []int64
	summary map[string]any
}

func runShard(t *testing.T, spec []byte, opts plugin.SyncOptions) shardRun {
	t.Helper()
	p, logs, err := loggedPlugin(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := p.SyncAll(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	_ = p.OnSyncFinish(context.Background())
	var run shardRun
	for _, m := range msgs {
		if mt, ok := m.(*message.SyncMigrateTable); ok {
			run.tables = append(run.tables, mt.Table.Name+": "+columnsFingerprint(mt.Table.Columns))
		}
	}
	run.ids = syncedIDs(t, msgs)
	if lines := logLines(logs, "sync summary"); len(lines) == 1 {
		run.summary = lines[0]
	} else {
		t.Fatalf("%d summary lines", len(lines))
	}
	return run
}

func TestShardsPartitionTheBucket(t *testing.T) {
	s3 := startS3(t)
	keyOf := shardedBucket(t, s3, "sharded")
	for _, mode := range []string{"union", "sample"} {
		t.Run(mode, func(t *testing.T) { shardsPartitionTheBucket(t, s3.specJSON("sharded", `,"schema":"`+mode+`"`), keyOf) })
	}
}

func shardsPartitionTheBucket(t *testing.T, spec []byte, keyOf map[int64]string) {
	all := runShard(t, spec, plugin.SyncOptions{Tables: []string{"*"}})
	if len(all.tables) != 3 || len(all.ids) != 2*162 {
		t.Fatalf("unsharded: tables %v, %d rows", all.tables, len(all.ids))
	}
	if one := runShard(t, spec, plugin.SyncOptions{Tables: []string{"*"}, Shard: &plugin.Shard{Num: 1, Total: 1}}); !slices.Equal(one.ids, all.ids) || !slices.Equal(one.tables, all.tables) {
		t.Fatalf("shard 1/1 differs from the unsharded sync")
	}
	for _, total := range []int{4, 3} {
		var union []int64
		skipped := 0
		for num := 1; num <= total; num++ {
			run := runShard(t, spec, plugin.SyncOptions{Tables: []string{"*"}, Shard: &plugin.Shard{Num: int32(num), Total: int32(total)}})
			if !slices.Equal(run.tables, all.tables) {
				t.Errorf("shard %d/%d declares %v, the unsharded sync %v", num, total, run.tables, all.tables)
			}
			for _, id := range run.ids {
				if owner := shardOf(keyOf[id], total); owner != num {
					t.Errorf("shard %d/%d delivered n=%d of %s, which shard %d owns", num, total, id, keyOf[id], owner)
				}
			}
			if run.summary["shard"] != fmt.Sprintf("%d/%d", num, total) {
				t.Errorf("summary of shard %d/%d says shard %v", num, total, run.summary["shard"])
			}
			skipped += int(run.summary["objects_skipped"].(float64))
			union = append(union, run.ids...)
		}
		slices.Sort(union)
		if !slices.Equal(union, all.ids) {
			t.Errorf("%d shards delivered %d rows together, the unsharded sync %d: not the same rows once each", total, len(union), len(all.ids))
		}
		if skipped != 1 {
			t.Errorf("%d shards: the unreadable object is counted %d times in their summaries, want once (by its owner)", total, skipped)
		}
	}
}

func TestInvalidShardFailsBeforeAnyMessage(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("badshard")
	s3.Put("badshard", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	p, err := initPlugin(t, s3.specJSON("badshard", ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []plugin.Shard{{Num: 0, Total: 4}, {Num: 5, Total: 4}, {Num: 1, Total: 0}} {
		msgs, err := p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"*"}, Shard: &bad})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("invalid shard %d/%d", bad.Num, bad.Total)) {
			t.Errorf("shard %d/%d: error %v", bad.Num, bad.Total, err)
		}
		if len(msgs) != 0 {
			t.Errorf("shard %d/%d: %d messages sent before the error", bad.Num, bad.Total, len(msgs))
		}
	}
}
