package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/serve"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/cqdest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// repeatedSync is one sync of the -state sequence.
type repeatedSync struct {
	what  string
	shard string
	s     *sampleShard
}

// repeatedSyncs measures schema: sample's syncs against a state backend (issue #29, goal 2):
// the test destination (internal/testkit/cqdest, the CLI's state backend in the e2e tests),
// served in this process over gRPC on a Unix socket, as the CLI would run it. On one state
// table: a first sync, one with nothing changed, one after -state-new objects were added;
// on a second, with the original bucket again: shard 1/16, then shard 2/16, which finds
// every sample's schema in the state the first stored. Each sync is a fresh client.
func (b *bench) repeatedSyncs(backend *synthBackend, n int) []repeatedSync {
	dir, err := os.MkdirTemp("", "shardsim-state-")
	check(err)
	defer os.RemoveAll(dir)
	stop := serveStateBackend(dir)
	defer stop()
	conn := "unix://" + filepath.Join(dir, "cqdest.sock")
	incremental := &plugin.BackendOptions{TableName: "cq_state_repeated", Connection: conn}
	shards := &plugin.BackendOptions{TableName: "cq_state_shards", Connection: conn}
	original := backend.buckets[bucketShard]
	defer func() { backend.buckets[bucketShard] = original }()
	var added []string
	for i := range *stateNew { // one more object in each of the first directories, an hour newer
		added = append(added, fmt.Sprintf("t%d/dt=%05d/part-%04d.parquet", i%tables, i/tables, perDir))
	}
	var out []repeatedSync
	for _, step := range []struct {
		what, shard string
		opts        plugin.SyncOptions
		before      func()
	}{
		{"first sync", "1/1", shardOptions(1, incremental), nil},
		{"nothing changed", "1/1", shardOptions(1, incremental), nil},
		{fmt.Sprintf("%d objects added", *stateNew), "1/1", shardOptions(1, incremental), func() { backend.buckets[bucketShard] = original.withNewer(added) }},
		{"first sync of a shard, new state table", "1/16", shardOptions(16, shards), func() { backend.buckets[bucketShard] = original }},
		{"another shard, same state", "2/16", withShard(shardOptions(16, shards), 2), nil},
	} {
		if step.before != nil {
			step.before()
		}
		s := b.sampleShard(step.opts)
		out = append(out, repeatedSync{what: step.what, shard: step.shard, s: s})
		log.Printf("%d objects, schema: sample with a state backend, %s (shard %s): %d footer GETs, %d samples from state, %d GETs in all, %d objects synced; discovery %s, Sync %s (of which storing the cursors at its end %s)",
			n, step.what, step.shard, s.footers, s.fromState, s.sync.requests, s.synced, s.discovery.wall.Round(time.Millisecond), s.sync.wall.Round(time.Millisecond), s.finish.Round(time.Millisecond))
	}
	return out
}

func withShard(opts plugin.SyncOptions, num int) plugin.SyncOptions {
	opts.Shard = &plugin.Shard{Num: int32(num), Total: opts.Shard.Total}
	return opts
}

// serveStateBackend serves cqdest on dir/cqdest.sock with its tables under dir, Inits it as
// the CLI does, and returns what stops it.
func serveStateBackend(dir string) (stop func()) {
	sock := filepath.Join(dir, "cqdest.sock")
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serve.Plugin(cqdest.Plugin(), serve.WithArgs("serve", "--network", "unix", "--address", sock, "--log-level", "warn", "--no-sentry")).Serve(ctx)
	}()
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	check(err)
	defer conn.Close()
	spec := []byte(fmt.Sprintf(`{"dir":%q}`, filepath.Join(dir, "tables")))
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, err := pb.NewPluginClient(conn).Init(ctx, &pb.Init_Request{Spec: spec})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			log.Fatalf("the state backend (cqdest on %s) did not start: %v", sock, err)
		}
	}
	return func() {
		cancel()
		check(<-served)
	}
}
