// Command shardsim is the scaling simulation behind BENCHMARKS.md ("Sharding at scale"): what
// one shard of a `cloudquery sync --shard i/n` costs as the bucket grows, without a cloud.
//
// Synthetic buckets of N objects (8 tables of Hive-style date directories of 50 objects, one
// small Parquet file under every key) are served by an in-process S3 server, gofakes3 over
// a read-only backend (bucket.go), behind the s3fault proxy, whose delay rule holds every
// request for -latency (default 20 ms, an S3 round trip); the proxy counts the requests.
// The plugin names tables by directory, so each date directory is a table: T = N/50.
//
// Three things run on them. The plugin itself (its client package, as the CLI runs it in
// each shard) with schema: union up to -plugin-max objects: Init lists and reads every
// footer, then one Sync of shard 1/n for each n of -union-shards (Init does not depend on
// the shard). With schema: sample up to -sample-max objects, each shard is a fresh client:
// Init (which only lists one key), then one Sync of shard 1/n, whose discovery lists the
// bucket once, keeps the shard's objects and each table's oldest, and reads one footer per
// table (sample_run.go); the live heap is measured when that discovery finishes. And the
// request pattern of schema: union replayed (the plugin's own listing, then one ranged GET
// per footer and per object of the shard, at spec.concurrency, with the AWS SDK client), at
// every size. -state adds repeated syncs of schema: sample against a state backend (the
// test destination internal/testkit/cqdest, served in-process; state_run.go).
//
//	go run ./bench/shardsim                      # 10^4, 10^5, 10^6 objects
//	go run ./bench/shardsim -objects 10000 -runs 1
//	go run ./bench/shardsim -objects 10000000 -memory-only -shards 16   # goal 3: one shard's heap
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
	"github.com/johannesboyne/gofakes3"
)

var (
	objectsFlag = flag.String("objects", "10000,100000,1000000", "bucket sizes")
	shardsFlag  = flag.String("shards", "1,4,16", "shard totals of schema: sample and of the pattern: each size is synced as shard 1 of each, in this order")
	unionFlag   = flag.String("union-shards", "1,16", "shard totals of schema: union (one Init serves their Syncs); the first is the baseline")
	runsFlag    = flag.Int("runs", 3, "runs per size (medians are reported)")
	bigFlag     = flag.Int("big", 1_000_000, "sizes from this one on get one run")
	pluginMax   = flag.Int("plugin-max", 100_000, "largest size the plugin runs at with schema: union (the pattern runs at every size)")
	pluginBig   = flag.Int("plugin-big", 100_000, "sizes from this one on get one plugin run")
	latency     = flag.Duration("latency", 20*time.Millisecond, "delay the proxy adds to every request")
	concurrency = flag.Int("concurrency", 50, "spec.concurrency (the plugin's default is 50)")
	project     = flag.Int("project", 10_000_000, "bucket size to project the measured costs to")
	listingOnly = flag.Bool("listing-only", false, "measure the listings only")
	listingFlag = flag.Bool("listing", true, "measure listing alone (two more buckets of N keys)")
	memoryOnly  = flag.Bool("memory-only", false, "schema: sample only, each Sync selecting no table (SkipTables *): its discovery runs in full, no object is read; no listing alone, union or pattern")
	stateFlag   = flag.Bool("state", false, "also measure repeated syncs of schema: sample against a state backend (cqdest, in-process), once per size up to -state-max")
	stateMax    = flag.Int("state-max", 100_000, "largest size -state runs at")
	stateNew    = flag.Int("state-new", 100, "objects added before the third sync of -state")
	ownLimit    = flag.Bool("own-limit", true, "set GOMEMLIMIT to the plugin's own limit at the default memory_budget (168 MiB) plus this process's heap outside the plugin (the synthetic buckets), so its garbage collector works as in a process of its own; false: the plugin sets 168 MiB for the whole process, buckets included (how every run before 2026-12-07 13:40 ran)")
	cpuProfile  = flag.String("cpuprofile", "", "write a CPU profile of the whole run here")
	sampleMax   = flag.Int("sample-max", 10_000_000, "largest size the plugin runs at with schema: sample (0: never)")
	patternFlag = flag.Bool("pattern", true, "replay the request pattern of schema: union")
)

const (
	tables      = 8
	perDir      = 50
	bucketShard = "parquet"
	bucketList  = "listing"
	bucketFlat  = "flat"
)

func main() {
	flag.Parse()
	log.SetFlags(0)
	sizes, shards := ints(*objectsFlag), ints(*shardsFlag)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_EC2_METADATA_DISABLED": "true"} {
		os.Setenv(k, v)
	}
	backend := &synthBackend{buckets: map[string]*synthBucket{}}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	defer srv.Close()
	proxy, err := s3fault.New(srv.URL)
	check(err)
	check(proxy.SetRules(s3fault.Rule{Fault: s3fault.FaultDelay, DelayMS: int(latency.Milliseconds())}))
	check(proxy.Start("127.0.0.1:0"))
	defer proxy.Close()
	b := &bench{proxy: proxy, body: parquetBody(), shards: shards, unionShards: ints(*unionFlag)}
	fmt.Printf("shardsim: %d vCPU, GOMAXPROCS %d, %s per request, spec.concurrency %d, one %d-byte Parquet object (10 rows) under every key\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), *latency, *concurrency, len(b.body))
	for _, n := range sizes {
		backend.buckets = nil
		runtime.GC()
		backend.buckets = map[string]*synthBucket{bucketShard: newSynthBucket(hiveKeys(n, ".parquet"), b.body)}
		measureListing := *listingFlag && !*memoryOnly
		if measureListing {
			backend.buckets[bucketList] = newSynthBucket(hiveKeys(n, ".json"), nil)
			backend.buckets[bucketFlat] = newSynthBucket(flatKeys(n), nil)
		}
		if *ownLimit {
			limitPluginHeap()
		}
		for run := range runsAt(n, *bigFlag) {
			res := &result{n: n}
			if measureListing {
				b.listings(res, run)
			}
			if *listingOnly {
				b.results = append(b.results, res)
				continue
			}
			if n <= *pluginMax && run < runsAt(n, *pluginBig) && !*memoryOnly {
				res.plugin = b.pluginShards(n, run)
			}
			if n <= *sampleMax && run < runsAt(n, *pluginBig) {
				res.sampled = b.sampleShards(n, run)
			}
			if *patternFlag && !*memoryOnly {
				res.pattern = b.patternShards(backend.buckets[bucketShard].keys, res.listing(), run)
			}
			if *stateFlag && run == 0 && n <= *stateMax && !*memoryOnly {
				res.repeated = b.repeatedSyncs(backend, n)
			}
			b.results = append(b.results, res)
		}
	}
	b.report()
}

type bench struct {
	proxy       *s3fault.Proxy
	body        []byte
	shards      []int // of schema: sample and of the pattern
	unionShards []int // of schema: union
	results     []*result
}

// pluginMemoryLimit is the Go memory limit the plugin sets at the default memory_budget
// (client/memory_budget.go: 128 MiB + 40 MiB).
const pluginMemoryLimit = 168 << 20

// limitPluginHeap sets GOMEMLIMIT to the plugin's limit plus this process's live heap now
// (the buckets, the server, the proxy); the plugin keeps a GOMEMLIMIT it finds set.
func limitPluginHeap() {
	var m runtime.MemStats
	liveHeap(&m)
	limit := pluginMemoryLimit + int64(m.HeapAlloc)
	os.Setenv("GOMEMLIMIT", strconv.FormatInt(limit, 10))
	debug.SetMemoryLimit(limit)
	log.Printf("GOMEMLIMIT %.0f MiB: the plugin's 168 MiB and %.0f MiB outside it", mib(limit), mib(int64(m.HeapAlloc)))
}

func runsAt(n, big int) int {
	if n >= big {
		return 1
	}
	return *runsFlag
}

// result is one run at one size.
type result struct {
	n int
	// Listing alone (a bucket of the same keys, none Parquet): paged as the plugin listed
	// before (one ListObjectsV2 page after another), and as it lists now; hive and flat.
	pagedList, pluginList, pagedFlat, pluginFlat timing
	// One shard, by the plugin with schema: union (nil past -plugin-max) and by its request pattern.
	plugin, pattern *shardRuns
	// Shard 1 of each total, each a fresh client with schema: sample (nil past -sample-max).
	sampled map[int]*sampleShard
	// Repeated syncs against a state backend (-state; nil when not measured).
	repeated []repeatedSync
}

// listing is the plugin's listing of this run's keys: the listing-alone measurement's, else
// the first schema: sample shard's discovery listing (the same keys, the Parquet bucket).
func (r *result) listing() timing {
	if r.pluginList.requests > 0 || r.sampled == nil {
		return r.pluginList
	}
	for _, total := range ints(*shardsFlag) {
		if s := r.sampled[total]; s != nil {
			return s.listing
		}
	}
	return r.pluginList
}

// shardRuns is one Init (listing, footers) and a Sync of shard 1 of each shard total.
type shardRuns struct {
	list, footers timing
	heapPerObject float64 // the plugin's discovery, after GC; 0 for the pattern
	syncs         map[int]timing
	objects       map[int]int // objects shard 1 of each total synced
}

type timing struct {
	wall     time.Duration
	requests int
	ranges   int
	cpu      time.Duration // of the whole process: plugin (or pattern), proxy and server
}

// spec is the plugin's spec for bucket, with spec.schema mode ("" for the default).
func (b *bench) spec(bucket, mode string) []byte {
	schema := ""
	if mode != "" {
		schema = fmt.Sprintf(`,"schema":%q`, mode)
	}
	return []byte(fmt.Sprintf(`{"bucket":%q,"region":"us-east-1","endpoint":%q,"path_style":true,"concurrency":%d%s}`, bucket, b.proxy.URL(), *concurrency, schema))
}

// The plugin's spec.schema modes (client/schema_mode.go).
const (
	schemaUnion  = "union"
	schemaSample = "sample"
)

// measured runs f with the proxy's counters reset and returns its cost.
func (b *bench) measured(op string, f func()) timing {
	b.proxy.ResetStats()
	started, cpu := time.Now(), cpuTime()
	f()
	return timing{wall: time.Since(started), cpu: cpuTime() - cpu, requests: b.proxy.Stats().ByOp[op]}
}

// logCapture keeps the plugin's last log line of each message and when it came. on[msg], if
// set, runs in the logging goroutine before the line is kept: the plugin waits for it.
type logCapture struct {
	mu    sync.Mutex
	lines map[string]map[string]any
	at    map[string]time.Time
	on    map[string]func()
}

func (l *logCapture) Write(p []byte) (int, error) {
	var m map[string]any
	if json.Unmarshal(p, &m) == nil {
		msg := fmt.Sprint(m["message"])
		if f := l.on[msg]; f != nil {
			f()
		}
		l.mu.Lock()
		if l.lines == nil {
			l.lines, l.at = map[string]map[string]any{}, map[string]time.Time{}
		}
		l.lines[msg], l.at[msg] = m, time.Now()
		l.mu.Unlock()
	}
	return len(p), nil
}

// when is when the last line of msg came.
func (l *logCapture) when(msg string) time.Time {
	l.line(msg)
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.at[msg]
}

func (l *logCapture) int(msg, field string) int { return int(l.line(msg)[field].(float64)) }

func (l *logCapture) line(msg string) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	m, ok := l.lines[msg]
	if !ok {
		log.Fatalf("the plugin logged no %q line", msg)
	}
	return m
}

// hiveKeys: 8 tables of date directories of 50 objects (t3/dt=0042/part-0007.parquet).
func hiveKeys(n int, ext string) []string {
	keys := make([]string, 0, n)
	for i := range n {
		dir := i / perDir
		keys = append(keys, fmt.Sprintf("t%d/dt=%05d/part-%04d%s", dir%tables, dir/tables, i%perDir, ext))
	}
	return keys
}

// flatKeys: one directory of n objects, which no split point divides.
func flatKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("events/part-%08d.json", i)
	}
	return keys
}

// parquetBody is a small Parquet file: 10 rows of id, name, value in one row group.
func parquetBody() []byte {
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "name", Type: arrow.BinaryTypes.String}, {Name: "value", Type: arrow.PrimitiveTypes.Float64}}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer bld.Release()
	for i := range 10 {
		bld.Field(0).(*array.Int64Builder).Append(int64(i))
		bld.Field(1).(*array.StringBuilder).Append("name-" + strconv.Itoa(i))
		bld.Field(2).(*array.Float64Builder).Append(float64(i) / 4)
	}
	rec := bld.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(sc, &buf, nil, pqarrow.DefaultWriterProps())
	check(err)
	check(w.Write(rec))
	check(w.Close())
	return buf.Bytes()
}

func ints(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		check(err)
		out = append(out, v)
	}
	return out
}

func goDuration(v any) time.Duration {
	d, err := time.ParseDuration(fmt.Sprint(v))
	check(err)
	return d
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// cpuTime is this process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
