package main

import (
	"fmt"
	"time"
)

// reportSample prints the plugin with schema: sample, one shard's Init and Sync, against one
// unsharded sync of the plugin with schema: union measured in the same run (issue #29, goal 1).
func (b *bench) reportSample(sizes []int, bySize map[int][]*result) {
	eachSize("The plugin with schema: sample: one shard's Init (listing, one footer per table) and its Sync (one GET per small object it owns, its footer parsed from those bytes), median wall time",
		"| objects | runs | shard | Init: list requests, footer GETs | Init | Sync: objects (share) | Sync: footer GETs + body GETs | Sync | **shard total** | union 1/1, same runs | **shard / union 1/1** | CPU s | heap per object |",
		sizes, bySize, func(r *result) *shardRuns { return r.sampled }, b.sampleRows)
}

// sampleRows prints the rows of one size: shard 1 of each total.
func (b *bench) sampleRows(n int, rs []*result) {
	first := rs[0].sampled
	initWall := median(rs, func(r *result) time.Duration { return r.sampled.list.wall + r.sampled.footers.wall })
	heap := median(rs, func(r *result) time.Duration { return time.Duration(r.sampled.heapPerObject) })
	union, haveUnion := time.Duration(0), len(withRuns(rs, func(r *result) *shardRuns { return r.plugin })) == len(rs)
	if haveUnion {
		union = median(rs, func(r *result) time.Duration {
			return r.plugin.list.wall + r.plugin.footers.wall + r.plugin.syncs[b.shards[0]].wall
		})
	}
	for _, total := range b.shards {
		sync := median(rs, func(r *result) time.Duration { return r.sampled.syncs[total].wall })
		cpu := median(rs, func(r *result) time.Duration { return r.sampled.footers.cpu + r.sampled.syncs[total].cpu })
		objects := first.objects[total]
		footers := first.syncs[total].requests - objects // one body GET per (small) object, the rest are footers
		unionCol, ratioCol := "—", "—"
		if haveUnion {
			// a shard's total against one unsharded sync: the ratio of the medians of the same runs
			unionCol, ratioCol = sec(union), fmt.Sprintf("%.3f×", ratio(initWall+sync, union))
		}
		fmt.Printf("| %s | %d | 1/%d | %s, %s | %s | %s (%.1f%%) | %s + %s | %s | **%s** | %s | **%s** | %.0f | %s bytes |\n", num(n), len(rs), total,
			num(first.list.requests), num(first.footers.requests), sec(initWall), num(objects), 100*float64(objects)/float64(n),
			num(footers), num(objects), sec(sync), sec(initWall+sync), unionCol, ratioCol, cpu.Seconds(), num(int(heap)))
	}
}
