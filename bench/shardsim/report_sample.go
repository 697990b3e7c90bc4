package main

import (
	"fmt"
	"slices"
	"time"
)

// reportSample prints the plugin with schema: sample, shard 1 of each total on a fresh client,
// against one unsharded sync with schema: union and one with schema: sample measured in the
// same runs (issue #29, goals 1 and 3), what the shards read together, and the -state syncs.
func (b *bench) reportSample(sizes []int, bySize map[int][]*result) {
	ran := func(r *result) bool { return r.sampled != nil }
	eachSizeWhere("The plugin with schema: sample: each shard a fresh client, Init then one Sync whose discovery lists the bucket and reads one footer per table (median wall time)",
		"| objects | runs | shard | Init | discovery: listing (list requests) | footer GETs (samples) | objects listed, kept (share) | discovery | rest of Sync: GETs | rest of Sync | **shard total** | **vs union 1/1** | vs sample 1/1 | CPU s | heap after discovery | per listed object |",
		sizes, bySize, ran, b.sampleRows)
	eachSizeWhere("Footer GETs of n shards together with schema: sample (from the counts above: each shard reads T sample footers, and each object's footer once, from the GET that reads its rows)",
		"| objects N | tables T | n | per shard: samples + own objects | n shards, no schema manifest: N + n·T | / N | with the manifest, shards one after another: N + T | / N |",
		sizes, bySize, ran, b.footerRows)
	b.reportRepeated(sizes, bySize)
}

// sampleRows prints shard 1 of each total at one size, against union 1/1 and sample 1/1.
func (b *bench) sampleRows(n int, rs []*result) {
	union, haveUnion := time.Duration(0), len(withRuns(rs, func(r *result) *shardRuns { return r.plugin })) == len(rs)
	if haveUnion {
		union = median(rs, func(r *result) time.Duration {
			return r.plugin.list.wall + r.plugin.footers.wall + r.plugin.syncs[b.unionShards[0]].wall
		})
	}
	one := time.Duration(0)
	if _, ok := rs[0].sampled[1]; ok {
		one = median(rs, func(r *result) time.Duration { return r.sampled[1].init.wall + r.sampled[1].sync.wall })
	}
	for _, total := range slices.Sorted(slices.Values(b.shards)) {
		first := rs[0].sampled[total]
		at := func(f func(*sampleShard) time.Duration) time.Duration {
			return median(rs, func(r *result) time.Duration { return f(r.sampled[total]) })
		}
		initWall, sync := at(func(s *sampleShard) time.Duration { return s.init.wall }), at(func(s *sampleShard) time.Duration { return s.sync.wall })
		heap := at(func(s *sampleShard) time.Duration { return time.Duration(s.heap) })
		vsUnion, vsOne := "—", "—"
		if haveUnion {
			vsUnion = fmt.Sprintf("%.3f×", ratio(initWall+sync, union))
		}
		if one > 0 {
			vsOne = fmt.Sprintf("%.3f×", ratio(initWall+sync, one))
		}
		fmt.Printf("| %s | %d | 1/%d | %s | %s (%s) | %s | %s, %s (%.1f%%) | %s | %s | %s | **%s** | **%s** | %s | %.0f | %.0f MiB | %s bytes |\n",
			num(n), len(rs), total, sec(initWall), sec(at(func(s *sampleShard) time.Duration { return s.listing.wall })), num(first.listing.requests),
			num(first.footers), num(first.listed), num(first.kept), 100*float64(first.kept)/float64(max(1, first.listed)),
			sec(at(func(s *sampleShard) time.Duration { return s.discovery.wall })), num(first.sync.requests-first.footers),
			sec(at(func(s *sampleShard) time.Duration { return s.rest() })), sec(initWall+sync), vsUnion, vsOne,
			at(func(s *sampleShard) time.Duration { return s.init.cpu + s.sync.cpu }).Seconds(), mib(int64(heap)), num(int(int64(heap)/int64(max(1, first.listed)))))
	}
}

// footerRows prints what n shards read together at one size, from one run's counts.
func (b *bench) footerRows(n int, rs []*result) {
	for _, total := range slices.Sorted(slices.Values(b.shards)) {
		s := rs[0].sampled[total]
		t := s.footers
		fmt.Printf("| %s | %s | %d | %s + %s | %s | %.2f | %s | %.2f |\n", num(n), num(t), total, num(t), num(s.kept),
			num(n+total*t), float64(n+total*t)/float64(n), num(n+t), float64(n+t)/float64(n))
	}
}

// reportRepeated prints the -state syncs.
func (b *bench) reportRepeated(sizes []int, bySize map[int][]*result) {
	var repeated []*result
	for _, n := range sizes {
		for _, r := range bySize[n] {
			if r.repeated != nil {
				repeated = append(repeated, r)
			}
		}
	}
	if len(repeated) == 0 {
		return
	}
	fmt.Printf("\n### schema: sample with a state backend (cqdest in-process): repeated syncs, each a fresh client (one run)\n\n")
	fmt.Println("| objects | sync | shard | footer GETs | samples from state | GETs in all (footers + objects) | objects synced | discovery | Sync | of which storing the cursors |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range repeated {
		for _, s := range r.repeated {
			fmt.Printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", num(r.n), s.what, s.shard, num(s.s.footers), num(s.s.fromState),
				num(s.s.sync.requests), num(s.s.synced), sec(s.s.discovery.wall), sec(s.s.sync.wall), sec(s.s.finish))
		}
	}
}
