package main

import (
	"context"
	"log"
	"runtime"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/client"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
	"github.com/rs/zerolog"
)

// listings measures listing alone: paged (the SDK's paginator, as the plugin listed before
// it split listings into key ranges) and the plugin's Init on buckets with no Parquet key.
func (b *bench) listings(res *result, run int) {
	res.pagedList, res.pluginList = b.paged(bucketList), b.pluginListing(bucketList)
	res.pagedFlat, res.pluginFlat = b.paged(bucketFlat), b.pluginListing(bucketFlat)
	log.Printf("%d objects, run %d: listing paged %s (%d requests), plugin %s (%d requests, %d ranges); one flat directory: paged %s, plugin %s",
		res.n, run+1, res.pagedList.wall.Round(time.Millisecond), res.pagedList.requests, res.pluginList.wall.Round(time.Millisecond), res.pluginList.requests, res.pluginList.ranges,
		res.pagedFlat.wall.Round(time.Millisecond), res.pluginFlat.wall.Round(time.Millisecond))
}

func (b *bench) paged(bucket string) timing {
	api := sdkClient(b.proxy.URL())
	return b.measured(s3fault.OpList, func() {
		for p := s3.NewListObjectsV2Paginator(api, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}); p.HasMorePages(); {
			_, err := p.NextPage(context.Background())
			check(err)
		}
	})
}

func (b *bench) pluginListing(bucket string) timing {
	logs := &logCapture{}
	t := b.measured(s3fault.OpList, func() {
		c, err := client.New(context.Background(), zerolog.New(logs).Level(zerolog.InfoLevel), b.spec(bucket, ""), plugin.NewClientOptions{})
		check(err)
		check(c.Close(context.Background()))
	})
	t.ranges = int(logs.line("listing finished")["key_ranges"].(float64))
	return t
}

// pluginShards runs the plugin with schema: union as one shard's CLI would: Init (listing,
// every footer), then a Sync of shard 1 of each -union-shards total (Init does not depend
// on the shard: the CLI passes it to Sync only, and union's Sync reuses Init's discovery).
func (b *bench) pluginShards(n, run int) *shardRuns {
	sr := &shardRuns{syncs: map[int]timing{}, objects: map[int]int{}}
	logs := &logCapture{}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var c plugin.Client
	init := b.measured(s3fault.OpGet, func() {
		var err error
		c, err = client.New(context.Background(), zerolog.New(logs).Level(zerolog.InfoLevel), b.spec(bucketShard, schemaUnion), plugin.NewClientOptions{})
		check(err)
	})
	runtime.GC()
	runtime.ReadMemStats(&after)
	sr.heapPerObject = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
	listing := logs.line("listing finished")
	sr.list = timing{wall: goDuration(listing["duration"]), requests: int(listing["list_requests"].(float64)), ranges: int(listing["key_ranges"].(float64))}
	sr.footers = timing{wall: init.wall - sr.list.wall, requests: init.requests, cpu: init.cpu}
	log.Printf("%d objects, run %d, plugin (schema: union): Init %s (listing %s, %d list requests; %d footer GETs), %.0f bytes of heap per object",
		n, run+1, init.wall.Round(time.Millisecond), sr.list.wall.Round(time.Millisecond), sr.list.requests, sr.footers.requests, sr.heapPerObject)
	for _, total := range b.unionShards {
		sr.syncs[total] = b.measured(s3fault.OpGet, func() { sr.objects[total] = syncShard(c, shardOptions(total, nil), logs) })
		log.Printf("%d objects, run %d, plugin (schema: union): Sync shard 1/%d %s, %d objects, %d GETs", n, run+1, total, sr.syncs[total].wall.Round(time.Millisecond), sr.objects[total], sr.syncs[total].requests)
	}
	check(c.Close(context.Background()))
	runtime.KeepAlive(c)
	return sr
}

// shardOptions selects every table (none with -memory-only) for shard 1 of total (unsharded
// for 1), with the state backend when backend is not nil.
func shardOptions(total int, backend *plugin.BackendOptions) plugin.SyncOptions {
	opts := plugin.SyncOptions{Tables: []string{"*"}, BackendOptions: backend}
	if *memoryOnly {
		opts.SkipTables = []string{"*"}
	}
	if total > 1 {
		opts.Shard = &plugin.Shard{Num: 1, Total: int32(total)}
	}
	return opts
}

// syncShard runs one Sync and returns how many objects it synced.
func syncShard(c plugin.Client, opts plugin.SyncOptions, logs *logCapture) int {
	synced, _ := syncShardFinish(c, opts, logs)
	return synced
}

// syncShardFinish is syncShard, also returning how long OnSyncFinish took (with a state
// backend: storing the cursors and writing them to the backend).
func syncShardFinish(c plugin.Client, opts plugin.SyncOptions, logs *logCapture) (int, time.Duration) {
	res := make(chan message.SyncMessage, 64)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range res { // the destination's side: nothing to do but take them
		}
	}()
	err := c.Sync(context.Background(), opts, res)
	close(res)
	wg.Wait()
	check(err)
	// as plugin-sdk does once every message was sent: the summary is logged then
	started := time.Now()
	check(c.(interface{ OnSyncFinish(context.Context) error }).OnSyncFinish(context.Background()))
	return logs.int("sync summary", "objects_synced"), time.Since(started)
}
