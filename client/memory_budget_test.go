package client

import (
	"bytes"
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
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
)

// bombValue is row id's string of n bytes: different for every row, and compressible to almost nothing.
func bombValue(id int64, n int) string {
	unit := fmt.Sprintf("%08d", id)
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

// bombFile is a decompression bomb: rows rows of width-byte strings in one zstd page (about
// 15 KB for 450 rows of 260 KB, 117 MB once decoded).
func bombFile(t *testing.T, rows, width int) []byte {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "blob", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for id := range int64(rows) {
		b.Field(0).(*array.Int64Builder).Append(id)
		b.Field(1).(*array.StringBuilder).Append(bombValue(id, width))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return encodeParquet(t, rec, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCompressionLevel(19),
		parquet.WithDictionaryDefault(false), parquet.WithMaxRowGroupLength(int64(rows))), nil)
}

// dictionaryBombFile is 450 distinct 260 KB values written in one batch: one 117 MB dictionary
// page (as pyarrow and arrow-go write it) in an object of about 20 KB.
func dictionaryBombFile(t *testing.T) []byte {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{{Name: "blob", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for id := range int64(450) {
		b.Field(0).(*array.StringBuilder).Append(bombValue(id, 260_000))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return encodeParquet(t, rec, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithDictionaryDefault(true)), nil)
}

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
	body := bombFile(t, rows, width)
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
			if blobs.Value(i) != bombValue(ids.Value(i), width) {
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
	if grew > budget {
		t.Fatalf("the live heap grew by %d MiB during the sync, more than the %d MiB budget", grew>>20, budget>>20)
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

// A reservation waits, in arrival order, until the bytes it needs are free, and gives up when
// its context ends; more than the whole budget is the whole budget.
func TestMemoryBudgetWaitsInOrder(t *testing.T) {
	b := newMemoryBudget(100)
	first, err := b.reserve(context.Background(), 60)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan int, 2)
	go func() {
		r, _ := b.reserve(context.Background(), 500) // the whole budget: waits for first
		got <- 1
		r.release()
	}()
	// Until the whole-budget reservation is queued: with 40 bytes free, only a waiter ahead makes
	// TryAcquire(1) fail (an explicit ordering, not a guess at how long the goroutine takes).
	for queued := time.Now().Add(30 * time.Second); b.sem.TryAcquire(1); time.Sleep(time.Millisecond) {
		b.sem.Release(1)
		if time.Now().After(queued) {
			t.Fatal("the whole-budget reservation did not start waiting within 30 s")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := b.reserve(ctx, 10); err == nil { // behind the waiting one, though 40 are free
		t.Fatal("a reservation overtook one waiting before it")
	}
	select {
	case <-got:
		t.Fatal("a reservation got more than was free")
	default:
	}
	first.release()
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting reservation never got the budget")
	}
	if b.peak.Load() != 100 || b.reserved.Load() != 0 {
		t.Fatalf("peak %d (want the whole budget, 100), %d still reserved", b.peak.Load(), b.reserved.Load())
	}
}

// A dictionary page is the one buffer the footer cannot bound: 450 distinct 260 KB values
// written in one batch make one 117 MB dictionary page (as pyarrow and arrow-go write it), and
// an object fetched whole reserves it, page and decoded dictionary, before decoding. A file
// whose dictionaries stay under the writers' 1 MiB limit needs nothing more.
func TestDictionaryPagesAreReservedWhole(t *testing.T) {
	bomb := dictionaryBombFile(t)
	normal := writeParquet(t, allTypesRecord(t, 0, 5_000), 5_000)
	for name, c := range map[string]struct {
		data     []byte
		min, max int64
	}{"dictionary bomb": {bomb, 2 * 100 << 20, 2 * 117_100_000}, "ordinary file": {normal, 0, 0}} {
		pf, err := openParquet(bytes.NewReader(c.data), nil)
		if err != nil {
			t.Fatal(err)
		}
		peek := func(p []byte, off int64) int { return copy(p, c.data[min(off, int64(len(c.data))):]) }
		if got := dictionaryExtraBytes(pf.MetaData(), 0, peek); got < c.min || got > c.max {
			t.Errorf("%s (%d bytes): %d extra bytes reserved, want %d to %d", name, len(c.data), got, c.min, c.max)
		}
	}
	if _, ok := pageUncompressedSize([]byte{0x15, 0x04, 0x15}); ok {
		t.Error("a truncated header gave a size")
	}
}
