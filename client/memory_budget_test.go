package client

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
	"github.com/rs/zerolog"
)

// heapPeak samples, until stopped, the largest live heap a garbage collection found
// (/gc/heap/live) and the largest heap of live and not yet collected objects.
type heapPeak struct {
	live, objects atomic.Uint64
	stop          chan struct{}
	wg            sync.WaitGroup
}

func watchHeap() *heapPeak {
	h := &heapPeak{stop: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			if v := samples[0].Value.Uint64(); v > h.live.Load() {
				h.live.Store(v)
			}
			if v := samples[1].Value.Uint64(); v > h.objects.Load() {
				h.objects.Store(v)
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) done() (live, objects uint64) {
	close(h.stop)
	h.wg.Wait()
	return h.live.Load(), h.objects.Load()
}

// syncMeasuringHeap syncs every table of p, passing each insert to check, and returns the rows
// received, how much the live heap grew at most during the sync (as the garbage collector
// measured it) and the largest heap of live and not yet collected objects.
func syncMeasuringHeap(t *testing.T, p *plugin.Plugin, check func(arrow.RecordBatch) error) (rows, grew int64, withGarbage uint64) {
	t.Helper()
	runtime.GC()
	base := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(base)
	watch := watchHeap()
	res := make(chan message.SyncMessage)
	var bad error
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for m := range res {
			if ins, ok := m.(*message.SyncInsert); ok {
				if err := check(ins.Record); err != nil && bad == nil {
					bad = err
				}
				rows += ins.Record.NumRows()
			}
		}
	}()
	err := p.Sync(context.Background(), plugin.SyncOptions{Tables: []string{"*"}}, res)
	close(res)
	<-drained
	live, withGarbage := watch.done()
	if err != nil || bad != nil {
		t.Fatal(err, bad)
	}
	return rows, int64(live) - int64(base[0].Value.Uint64()), withGarbage
}

// TestMemoryBudgetBoundsADecompressionBomb: 16 objects of about 18 KB that each decode to
// 117 MB (1.8 GB in all) sync exactly under a 48 MiB budget, Init sets the Go memory limit
// from it, and the live heap (as the garbage collector measures it) grows by no more than the
// budget. Without the budget and the byte-sized batches, each object is decoded in one 117 MB
// batch (and its page decompressed whole) with up to 50 at once.
func TestMemoryBudgetBoundsADecompressionBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("1.8 GB decoded, the slowest test of the package: test:quick (-short) leaves it to test:go")
	}
	const objects, rows, width = 16, 450, 260_000
	const budget = 48 << 20
	s3 := startS3(t)
	s3.CreateBucket("bomb")
	body, err := parquetgen.Bomb(rows, width)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > 64<<10 {
		t.Fatalf("the bomb is %d bytes, not a bomb", len(body))
	}
	for i := range objects {
		s3.Put("bomb", fmt.Sprintf("wide/part-%02d.parquet", i), body)
	}
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	p, err := initPlugin(t, s3.specJSON("bomb", fmt.Sprintf(`,"memory_budget":%d`, budget)))
	if err != nil {
		t.Fatal(err)
	}
	limit := debug.SetMemoryLimit(-1)
	if os.Getenv("GOMEMLIMIT") == "" && limit != budget+memoryLimitOverhead {
		t.Fatalf("Init set the Go memory limit to %d, want the budget + %d = %d", limit, memoryLimitOverhead, budget+memoryLimitOverhead)
	}
	got, grew, objs := syncMeasuringHeap(t, p, func(rec arrow.RecordBatch) error {
		ids, blobs := rec.Column(1).(*array.Int64), rec.Column(2).(*array.String) // after _cq_id
		for i := range ids.Len() {
			if blobs.Value(i) != parquetgen.BombValue(ids.Value(i), width) {
				return fmt.Errorf("row %d changed", ids.Value(i))
			}
		}
		return nil
	})
	if got != objects*rows {
		t.Fatalf("got %d rows, want %d", got, objects*rows)
	}
	t.Logf("%d objects of %d bytes, %d MiB decoded: live heap grew by at most %d MiB (heap with garbage: %d MiB) under a %d MiB budget",
		objects, len(body), int64(objects*rows*width)>>20, grew>>20, objs>>20, budget>>20)
	// The budget bounds what reads hold; the recycled page buffers keep up to another budget's
	// worth idle for the next column chunks (docs/scale.md, "Memory"), and they are live too.
	// Measured 32-46 MiB on a quiet machine; 85 MiB once under a busy one.
	if grew > 2*budget {
		t.Fatalf("the live heap grew by %d MiB during the sync, more than the %d MiB budget plus as much of idle page buffers", grew>>20, budget>>20)
	}
}

func TestMemoryBudgetSpec(t *testing.T) {
	s, err := ParseSpec([]byte(`{"bucket":"b","region":"r"}`))
	if err != nil || s.MemoryBudget != 128<<20 || s.memoryLimit() != 168<<20 {
		t.Fatalf("default budget: %v %v", s, err)
	}
	// The option's description (and so the spec reference) states the overhead the code adds.
	if desc := specSchemaDescription(t, "memory_budget"); !strings.Contains(desc, fmt.Sprintf("plus %d MiB", memoryLimitOverhead>>20)) {
		t.Errorf("memory_budget's description does not state the %d MiB the Go memory limit adds: %q", memoryLimitOverhead>>20, desc)
	}
	// A record is at most a quarter of the budget: the SDK and gRPC copy it outside the budget.
	for budget, want := range map[int64]int64{16 << 20: 4 << 20, 128 << 20: 32 << 20, 1 << 30: 64 << 20} {
		s, err := ParseSpec([]byte(fmt.Sprintf(`{"bucket":"b","region":"r","memory_budget":%d}`, budget)))
		if err != nil || s.MaxRecordBytes != want {
			t.Errorf("memory_budget %d: max record bytes %d, want %d (%v)", budget, s.MaxRecordBytes, want, err)
		}
	}
	for spec, want := range map[string]string{
		`{"bucket":"b","region":"r","memory_budget":1048576}`:     "spec.memory_budget must be from 16777216 (16 MiB) to 68719476736 (64 GiB) bytes, got 1048576",
		`{"bucket":"b","region":"r","memory_budget":68719476737}`: "spec.memory_budget must be from",
		`{"bucket":"b","region":"r","memory_budget":"256MiB"}`:    "spec.memory_budget must be an integer, got string",
	} {
		if _, err := ParseSpec([]byte(spec)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", spec, want, err)
		}
	}
}

// specSchemaDescription is an option's description in the embedded JSON schema.
func specSchemaDescription(t *testing.T, option string) string {
	t.Helper()
	var sc struct {
		Properties map[string]struct {
			Description string `json:"description"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(SpecJSONSchema), &sc); err != nil {
		t.Fatal(err)
	}
	return sc.Properties[option].Description
}

// What discovery keeps past discoveredHeapInOverhead raises the Go memory limit; less leaves it
// at the budget's, and GOMEMLIMIT set by the user stands.
func TestMemoryLimitGrowsWithWhatDiscoveryKeeps(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	s, err := ParseSpec([]byte(`{"bucket":"b","region":"r"}`))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOMEMLIMIT", "")
	for grown, want := range map[int64]int64{0: 168 << 20, 16 << 20: 168 << 20, 116 << 20: 268 << 20} {
		fitMemoryLimit(s, grown, zerolog.Nop())
		if got := debug.SetMemoryLimit(-1); got != want {
			t.Errorf("discovery kept %d MiB: limit %d MiB, want %d MiB", grown>>20, got>>20, want>>20)
		}
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	fitMemoryLimit(s, 500<<20, zerolog.Nop())
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("with GOMEMLIMIT set the limit became %d MiB", got>>20)
	}
}
