package main

import (
	"context"
	"log"
	"runtime"
	"time"

	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/client"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
	"github.com/rs/zerolog"
)

// sampleShard is one shard's run with schema: sample: a fresh client's Init and one Sync,
// whose discovery (listing, samples) runs at its start.
type sampleShard struct {
	init    timing // Init: it lists one key
	listing timing // the Sync's listing ("listing finished"): duration, list requests, key ranges
	// discovery is the Sync's start to its "discovery finished" line: the listing and the
	// samples' footers; sync is the whole Sync, its requests every GET it made.
	discovery, sync timing
	listed          int           // objects_listed: every Parquet object of the bucket
	kept            int           // objects: this shard's, kept by discovery
	footers         int           // footers_read: the samples' footer GETs
	fromState       int           // samples_from_state: samples whose schema the state backend had
	synced          int           // objects_synced
	heap            int64         // live heap when discovery finished, less the heap before the client
	finish          time.Duration // OnSyncFinish, in sync: with a state backend, the cursors written
}

// rest is the Sync after its discovery: reading the shard's objects.
func (s *sampleShard) rest() time.Duration { return s.sync.wall - s.discovery.wall }

// sampleShards runs shard 1 of each -shards total, each on a fresh client.
func (b *bench) sampleShards(n, run int) map[int]*sampleShard {
	out := map[int]*sampleShard{}
	for _, total := range b.shards {
		s := b.sampleShard(shardOptions(total, nil))
		out[total] = s
		log.Printf("%d objects, run %d, plugin (schema: sample): shard 1/%d: Init %s (%d GETs); Sync %s (%d GETs, %.0f CPU s): discovery %s (listing %s, %d list requests, %d ranges; %d objects listed, %d kept; %d footer GETs, %d samples from state), then %s for %d objects; heap after discovery %.1f MiB (%.0f bytes per listed object)",
			n, run+1, total, s.init.wall.Round(time.Millisecond), s.init.requests, s.sync.wall.Round(time.Millisecond), s.sync.requests, s.sync.cpu.Seconds(),
			s.discovery.wall.Round(time.Millisecond), s.listing.wall.Round(time.Millisecond), s.listing.requests, s.listing.ranges, s.listed, s.kept,
			s.footers, s.fromState, s.rest().Round(time.Millisecond), s.synced, mib(s.heap), float64(s.heap)/float64(max(1, s.listed)))
	}
	return out
}

// sampleShard runs a fresh client with schema: sample through Init and one Sync with opts.
// The heap is measured from the plugin's own logging goroutine when it logs "discovery
// finished", so the discovery's result is alive and nothing else of the Sync has run yet.
func (b *bench) sampleShard(opts plugin.SyncOptions) *sampleShard {
	s := &sampleShard{}
	var before, after runtime.MemStats
	var measuring time.Duration // taken out of the Sync's times
	logs := &logCapture{on: map[string]func(){"discovery finished": func() {
		t := time.Now()
		liveHeap(&after)
		measuring = time.Since(t)
	}}}
	liveHeap(&before)
	var c plugin.Client
	s.init = b.measured(s3fault.OpGet, func() {
		var err error
		c, err = client.New(context.Background(), zerolog.New(logs).Level(zerolog.InfoLevel), b.spec(bucketShard, schemaSample), plugin.NewClientOptions{})
		check(err)
	})
	var started time.Time
	s.sync = b.measured(s3fault.OpGet, func() {
		started = time.Now()
		s.synced, s.finish = syncShardFinish(c, opts, logs)
	})
	check(c.Close(context.Background()))
	s.heap = int64(after.HeapAlloc) - int64(before.HeapAlloc)
	listing := logs.line("listing finished")
	s.listing = timing{wall: goDuration(listing["duration"]), requests: int(listing["list_requests"].(float64)), ranges: int(listing["key_ranges"].(float64))}
	s.sync.wall -= measuring
	s.discovery = timing{wall: logs.when("discovery finished").Sub(started) - measuring}
	s.listed, s.kept = logs.int("discovery finished", "objects_listed"), logs.int("discovery finished", "objects")
	s.footers, s.fromState = logs.int("discovery finished", "footers_read"), logs.int("discovery finished", "samples_from_state")
	s.discovery.requests = s.footers
	runtime.KeepAlive(c)
	return s
}

// liveHeap reads the heap after two collections: the second frees what sync.Pools kept
// through the first (the victim caches), which a previous run may have filled.
func liveHeap(m *runtime.MemStats) {
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(m)
}

func mib(bytes int64) float64 { return float64(bytes) / (1 << 20) }
