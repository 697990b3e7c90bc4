package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// report prints the tables of BENCHMARKS.md: medians over the runs of each size, ratios
// within the run, and the costs measured at the largest size projected to -project objects.
func (b *bench) report() {
	var sizes []int
	bySize := map[int][]*result{}
	for _, r := range b.results {
		if _, ok := bySize[r.n]; !ok {
			sizes = append(sizes, r.n)
		}
		bySize[r.n] = append(bySize[r.n], r)
	}

	if *listingFlag && !*memoryOnly {
		fmt.Printf("\n### Listing alone (median wall time; requests)\n\n")
		fmt.Println("| objects | runs | layout | paged, one page after another | the plugin (key ranges) | plugin / paged |")
		fmt.Println("|---:|---:|---|---:|---:|---:|")
		for _, n := range sizes {
			rs := bySize[n]
			for _, l := range []struct {
				name          string
				paged, plugin func(*result) timing
			}{
				{"8 tables × date directories of 50", func(r *result) timing { return r.pagedList }, func(r *result) timing { return r.pluginList }},
				{"one flat directory", func(r *result) timing { return r.pagedFlat }, func(r *result) timing { return r.pluginFlat }},
			} {
				p, q := median(rs, func(r *result) time.Duration { return l.paged(r).wall }), median(rs, func(r *result) time.Duration { return l.plugin(r).wall })
				fmt.Printf("| %s | %d | %s | %s (%s) | %s (%s, %d) | %.2f× |\n", num(n), len(rs), l.name,
					sec(p), num(l.paged(rs[0]).requests), sec(q), num(l.plugin(rs[0]).requests), l.plugin(rs[0]).ranges, ratio(q, p))
			}
		}
	}

	if *listingOnly {
		return
	}
	b.reportSample(sizes, bySize)
	for _, mode := range []struct {
		title  string
		totals []int
		runs   func(*result) *shardRuns
	}{
		{"The plugin with schema: union: one shard's Init (listing, every footer) and its Sync", b.unionShards, func(r *result) *shardRuns { return r.plugin }},
		{"schema: union's request pattern replayed: listing, one GET per footer, one GET per object of the shard", slices.Sorted(slices.Values(b.shards)), func(r *result) *shardRuns { return r.pattern }},
	} {
		if !slices.ContainsFunc(b.results, func(r *result) bool { return mode.runs(r) != nil }) {
			continue
		}
		fmt.Printf("\n### %s (median wall time)\n\n", mode.title)
		fmt.Println("| objects | runs | shard | list requests | footer GETs | listing | footers | Sync objects (share) | Sync | **shard total** | vs 1 shard | CPU s |")
		fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, n := range sizes {
			rs := withRuns(bySize[n], mode.runs)
			if len(rs) == 0 {
				continue
			}
			first := mode.runs(rs[0])
			list := median(rs, func(r *result) time.Duration { return mode.runs(r).list.wall })
			footers := median(rs, func(r *result) time.Duration { return mode.runs(r).footers.wall })
			one := median(rs, func(r *result) time.Duration { return mode.runs(r).syncs[mode.totals[0]].wall })
			for _, total := range mode.totals {
				sync := median(rs, func(r *result) time.Duration { return mode.runs(r).syncs[total].wall })
				cpu := median(rs, func(r *result) time.Duration { return mode.runs(r).footers.cpu + mode.runs(r).syncs[total].cpu })
				fmt.Printf("| %s | %d | 1/%d | %s | %s | %s | %s | %s (%.1f%%) | %s | **%s** | %.2f× | %.0f |\n", num(n), len(rs), total,
					num(first.list.requests), num(first.footers.requests), sec(list), sec(footers), num(first.objects[total]), 100*float64(first.objects[total])/float64(n),
					sec(sync), sec(list+footers+sync), ratio(list+footers+sync, list+footers+one), cpu.Seconds())
			}
		}
	}

	if !slices.ContainsFunc(b.results, func(r *result) bool { return r.plugin != nil && r.pattern != nil }) {
		return
	}
	eachSize("The plugin against its pattern, same runs (wall time ratio), and its discovery's memory",
		"| objects | footers: plugin / pattern | Sync 1/1: plugin / pattern | heap kept by discovery per object |",
		sizes, bySize, func(r *result) *shardRuns { return bothRan(r.plugin, r.pattern) }, b.pluginVsPattern)

	last := bySize[sizes[len(sizes)-1]]
	if last[0].pattern == nil {
		return // -pattern=false
	}
	n := last[0].n
	scale := float64(*project) / float64(n)
	fmt.Printf("\n### Projected to %s objects: the pattern's %s-object costs × %.0f (each part grows linearly with the bucket)\n\n", num(*project), num(n), scale)
	fmt.Println("| shard | list requests | footer GETs | Sync GETs | listing | footers | Sync | **shard total** | floor: (N + N/n) × latency / concurrency |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	list := median(last, func(r *result) time.Duration { return r.pattern.list.wall })
	footers := median(last, func(r *result) time.Duration { return r.pattern.footers.wall })
	for _, total := range slices.Sorted(slices.Values(b.shards)) {
		sync := median(last, func(r *result) time.Duration { return r.pattern.syncs[total].wall })
		floor := time.Duration((float64(*project) + float64(*project)/float64(total)) * float64(*latency) / float64(*concurrency))
		fmt.Printf("| 1/%d | %s | %s | %s | %s | %s | %s | **%s** | %s |\n", total, num(int(float64(last[0].pattern.list.requests)*scale)), num(*project),
			num(int(float64(last[0].pattern.syncs[total].requests)*scale)), sec(scaled(list, scale)), sec(scaled(footers, scale)), sec(scaled(sync, scale)),
			sec(scaled(list+footers+sync, scale)), sec(floor))
	}
}

func (b *bench) pluginVsPattern(n int, rs []*result) {
	f := median(rs, func(r *result) time.Duration {
		return time.Duration(1000 * ratio(r.plugin.footers.wall, r.pattern.footers.wall))
	})
	s := median(rs, func(r *result) time.Duration {
		return time.Duration(1000 * ratio(r.plugin.syncs[b.unionShards[0]].wall, r.pattern.syncs[b.unionShards[0]].wall))
	})
	h := median(rs, func(r *result) time.Duration { return time.Duration(r.plugin.heapPerObject) })
	fmt.Printf("| %s | %.2f× | %.2f× | %s bytes |\n", num(n), float64(f)/1000, float64(s)/1000, num(int(h)))
}

// eachSize prints a table: its title and header, then row for the runs of each size that ran pick.
func eachSize(title, header string, sizes []int, bySize map[int][]*result, pick func(*result) *shardRuns, row func(n int, rs []*result)) {
	eachSizeWhere(title, header, sizes, bySize, func(r *result) bool { return pick(r) != nil }, row)
}

// eachSizeWhere prints a table: its title and header, then row for the runs of each size that ran.
func eachSizeWhere(title, header string, sizes []int, bySize map[int][]*result, ran func(*result) bool, row func(n int, rs []*result)) {
	fmt.Printf("\n### %s\n\n", title)
	fmt.Println(header)
	fmt.Println("|" + strings.Repeat("---:|", strings.Count(header, "|")-1))
	for _, n := range sizes {
		var rs []*result
		for _, r := range bySize[n] {
			if ran(r) {
				rs = append(rs, r)
			}
		}
		if len(rs) > 0 {
			row(n, rs)
		}
	}
}

// bothRan is a when b ran too, else nil.
func bothRan(a, b *shardRuns) *shardRuns {
	if b == nil {
		return nil
	}
	return a
}

func withRuns(rs []*result, f func(*result) *shardRuns) []*result {
	var out []*result
	for _, r := range rs {
		if f(r) != nil {
			out = append(out, r)
		}
	}
	return out
}

func median(rs []*result, f func(*result) time.Duration) time.Duration {
	v := make([]time.Duration, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func scaled(d time.Duration, by float64) time.Duration { return time.Duration(float64(d) * by) }

func sec(d time.Duration) string {
	if d >= 100*time.Second {
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func num(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
