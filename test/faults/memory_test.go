package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// Issue #28's case through the real binary: 16 objects of ~16 KB whose payload is one 260,000-
// byte string repeated on 450 rows through the dictionary (1.8 GB decoded). Peak RSS (VmHWM)
// must stay under 256 MiB at the default settings, and under the budget + 112 MiB (docs/scale.md's
// stated overhead: the Go memory limit's 40 MiB, then runtime, binary and SDK) for a 16 MiB budget. It was 2.2 GB and
// 1.6 GB. RSS does not depend on the machine's speed.
func TestDictionaryValuesStayWithinMemory(t *testing.T) {
	t.Parallel()
	const objects, rows, width = 16, 450, 260_000
	body, err := parquetgen.RepeatedValue(rows, width)
	if err != nil {
		t.Fatal(err)
	}
	syncCopiesWithinMemory(t, body, objects, rows)
}

var memoryCases = []struct {
	name  string
	extra map[string]any
	limit int64
}{
	{"defaults", nil, 256 << 20},
	{"memory_budget 16 MiB", map[string]any{"memory_budget": 16 << 20}, (16 + 112) << 20},
}

// syncWithinMemory syncs ds with the extra spec and fails when the plugin's peak RSS is over limit.
func syncWithinMemory(t *testing.T, ds *dataset, extra map[string]any, limit int64, rows int64) {
	e := newEnv(t, ds)
	e.mustInit(extra)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	stream, err := e.plugin.client.Sync(ctx, &pb.Sync_Request{Tables: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	var got int64
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if ins := msg.GetInsert(); ins != nil {
			rec, err := pb.NewRecordFromBytes(ins.Record)
			if err != nil {
				t.Fatal(err)
			}
			got += rec.NumRows()
		}
	}
	if got != rows {
		t.Fatalf("got %d rows, want %d", got, rows)
	}
	peak := peakRSS(t, e.plugin.cmd.Process.Pid)
	t.Logf("peak RSS %d MiB (limit %d MiB)", peak>>20, limit>>20)
	if peak > limit {
		t.Fatalf("peak RSS %d MiB, more than %d MiB", peak>>20, limit>>20)
	}
}

// The same through ranged reads: 2 objects of 36 MB, over the 32 MiB read whole (and the
// 4 MiB of a 16 MiB budget), each 10 row groups of 450 rows of the 260,000-byte value and
// 8,000 random bytes (2.3 GB decoded). The footer says 8 KB a row; the dictionaries say
// 268 KB. Before, only objects read whole had their dictionaries counted.
func TestRangedDictionaryValuesStayWithinMemory(t *testing.T) {
	t.Parallel()
	const objects, rows, width = 2, 4_500, 260_000
	body, err := parquetgen.RepeatedValueLarge(rows, 450, width, 8_000)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) <= 32<<20 {
		t.Fatalf("the object is %d bytes: it would be read whole", len(body))
	}
	syncCopiesWithinMemory(t, body, objects, rows)
}

// syncCopiesWithinMemory syncs objects copies of body (rows rows each) in one table, at each of
// memoryCases' settings, and fails when the plugin's peak RSS is over the case's limit.
func syncCopiesWithinMemory(t *testing.T, body []byte, objects, rows int) {
	ds := newDataset()
	for i := range objects {
		key := fmt.Sprintf("wide/part-%02d.parquet", i)
		ds.objects[key], ds.table[key] = body, "wide"
	}
	for _, c := range memoryCases {
		t.Run(c.name, func(t *testing.T) {
			syncWithinMemory(t, ds, c.extra, c.limit, int64(objects*rows))
		})
	}
}

// peakRSS is a process's VmHWM.
func peakRSS(t *testing.T, pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/pid/status")
	return 0
}
