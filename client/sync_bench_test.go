package client

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
)

// BenchmarkSyncToIPC is the plugin's side of bench:perf's comparison in one process, for CPU
// profiles (go test -run '^$' -bench SyncToIPC -cpuprofile cpu.out ./client): Init and Sync at
// the default settings over the in-process S3 server, every insert serialised as the SDK's
// gRPC server does (pb.RecordToBytes), no gRPC. BENCH_PARQUET names the object (default: the
// wide5 object bench/arrow_read.py generates, written by pyarrow), BENCH_OBJECTS how many copies.
func BenchmarkSyncToIPC(b *testing.B) {
	path := os.Getenv("BENCH_PARQUET")
	if path == "" {
		path = filepath.Join(os.TempDir(), "cqbench-data", "wide5", "events", "part-00000.parquet")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("no object to sync (npx projen bench:perf generates it, or set BENCH_PARQUET): %v", err)
	}
	objects, _ := strconv.Atoi(os.Getenv("BENCH_OBJECTS"))
	objects = max(objects, 4)
	s3 := startS3(b)
	s3.CreateBucket("bench")
	for i := range objects {
		s3.Put("bench", fmt.Sprintf("t/part-%03d.parquet", i), data)
	}
	p, err := initPlugin(b, s3.specJSON("bench", ""))
	if err != nil {
		b.Fatal(err)
	}
	var rows, serialised int64
	b.SetBytes(int64(len(data)) * int64(objects))
	for b.Loop() {
		res := make(chan message.SyncMessage)
		errc := make(chan error, 1)
		go func() {
			defer close(res)
			errc <- p.Sync(context.Background(), plugin.SyncOptions{Tables: []string{"*"}}, res)
		}()
		for m := range res {
			if ins, ok := m.(*message.SyncInsert); ok {
				buf, err := pb.RecordToBytes(ins.Record)
				if err != nil {
					b.Fatal(err)
				}
				rows += ins.Record.NumRows()
				serialised += int64(len(buf))
			}
		}
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
	b.ReportMetric(float64(serialised)/float64(b.N), "ipcbytes/op")
}
