package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/parquet/compress"
	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
)

// The fault matrix: each row names a fault and the outcome it must have. "exact" means Sync
// OK with every row of every object, checked value by value; "skip" means Sync OK, the named
// object skipped with zero rows and a warning, every other row exact; "error" means Init or
// Sync fails with an error naming the bucket, the object and the cause.
//
// Per-key rules act on every 2nd request of a key: an object costs two GETs (its footer at Init,
// then the whole object at Sync, or its first range), so a 3rd request is only ever a retry.
func TestFaultMatrix(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, e *env)
	}{
		{"503 SlowDown on every 2nd request of each key → exact", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Every: 2, PerKey: true, Fault: s3fault.FaultStatus})
			e.mustInit(nil)
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"503 on every 2nd request of all (global counter, 50 objects in flight) → exact, or an error naming object and cause", func(t *testing.T, e *env) {
			// Attempts of one request interleave with others: each can land on an even request.
			e.rules(s3fault.Rule{Every: 2, Fault: s3fault.FaultStatus})
			if err := e.init(map[string]any{"max_attempts": 10}); err != nil {
				expectError(t, err, "s3://"+e.bucket+"/", "SlowDown")
				t.Logf("outcome: Init failed (%v)", err)
				return
			}
			res, err := e.syncAll()
			expectExactOrError(t, res, err, e.ds.want(), "s3://"+e.bucket+"/", "SlowDown")
		}},
		{"503 on every 3rd request during Init (global counter) → Init OK and Sync exact, or Init fails naming object and cause", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Every: 3, Fault: s3fault.FaultStatus})
			if err := e.init(nil); err != nil {
				expectError(t, err, "s3://"+e.bucket+"/", "SlowDown")
				t.Logf("outcome: Init failed (%v)", err)
				return
			}
			e.rules()
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
			t.Log("outcome: Init OK, Sync exact")
		}},
		{"connection reset after 1,000 body bytes on every 3rd GET of all (global counter) → exact", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Every: 3, Fault: s3fault.FaultResetBody, AfterBytes: 1000})
			e.mustInit(nil)
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"500 InternalError on every 2nd GET of each key → exact", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Every: 2, PerKey: true, Fault: s3fault.FaultStatus, Status: 500, Code: "InternalError"})
			e.mustInit(nil)
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"connection reset before headers on every 2nd request of each key → exact", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Every: 2, PerKey: true, Fault: s3fault.FaultReset})
			e.mustInit(nil)
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"connection reset mid-body (after 1,000 bytes) on every 2nd GET of each key → exact", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Every: 2, PerKey: true, Fault: s3fault.FaultResetBody, AfterBytes: 1000})
			e.mustInit(nil)
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"Content-Length 1,000 bytes over the body (truncated) on every 2nd GET → exact", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Every: 2, PerKey: true, Fault: s3fault.FaultWrongLength, LengthDelta: 1000})
			e.mustInit(nil)
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"Content-Length 100 bytes under the body on every 2nd GET → exact", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Every: 2, PerKey: true, Fault: s3fault.FaultWrongLength, LengthDelta: -100})
			e.mustInit(nil)
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"no answer on every 2nd GET of each events/ object (request_timeout 1s) → exact", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Key: "events/*", Every: 2, PerKey: true, Fault: s3fault.FaultStall})
			e.mustInit(map[string]any{"request_timeout": "1s"})
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"body stalls after 500 bytes on every 2nd GET of each events/ object → exact", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Key: "events/*", Every: 2, PerKey: true, Fault: s3fault.FaultStallBody, AfterBytes: 500})
			e.mustInit(map[string]any{"request_timeout": "1s"})
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"a ranged GET that never answers, every attempt → error naming the key, in bounded time", func(t *testing.T, e *env) {
			e.mustInit(map[string]any{"request_timeout": "1s", "max_attempts": 2})
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Key: "events/part-003.parquet", Fault: s3fault.FaultStall})
			start := time.Now()
			_, err := e.syncAll()
			expectError(t, err, "s3://"+e.bucket+"/events/part-003.parquet", "exceeded maximum number of attempts", "spec.request_timeout, 1s")
			if d := time.Since(start); d > 30*time.Second {
				t.Fatalf("the stalled read took %s to fail", d)
			}
		}},
		{"503 on every 3rd request during Init only → Init OK, Sync exact", func(t *testing.T, e *env) {
			// One request at a time, so the retry of a failed request is never itself a 3rd.
			e.rules(s3fault.Rule{Every: 3, Fault: s3fault.FaultStatus})
			e.mustInit(map[string]any{"concurrency": 1})
			e.rules()
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"503 on every request for one object during Init → Init error naming bucket, key, cause", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Key: "metrics/m-1.parquet", Fault: s3fault.FaultStatus})
			err := e.init(nil)
			expectError(t, err, "s3://"+e.bucket+"/metrics/m-1.parquet", "SlowDown", "exceeded maximum number of attempts, 5")
			if strings.Contains(err.Error(), "not a readable Parquet file") {
				t.Fatalf("a transport fault reported as content: %v", err)
			}
		}},
		{"503 on every listing request → Init error naming the bucket and cause", func(t *testing.T, e *env) {
			e.rules(s3fault.Rule{Op: s3fault.OpList, Fault: s3fault.FaultStatus})
			expectError(t, e.init(nil), "listing objects", e.bucket, "SlowDown")
		}},
		{"S3 killed mid-Sync (once rows are arriving) → error naming the object and cause; the next Sync is exact", func(t *testing.T, e *env) {
			e.mustInit(map[string]any{"concurrency": 2})
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Fault: s3fault.FaultDelay, DelayMS: 300}) // a sync of ~2–3 s
			// Killed when the first rows arrive, not after a fixed time: on a loaded machine a
			// timer can fire before the Sync has read anything.
			var kill sync.Once
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			res, err := e.plugin.sync(ctx, []string{"*"}, func(m *pb.Sync_Response) bool {
				if m.GetInsert() != nil {
					kill.Do(func() { _ = e.proxy.Kill() })
				}
				return true
			})
			expectError(t, err, "s3://"+e.bucket+"/", "exceeded maximum number of attempts")
			if n := res.rowCount("events") + res.rowCount("metrics") + res.rowCount("big"); n == 0 || n >= int64(e.ds.totalRows()) {
				t.Fatalf("the kill should land mid-sync: %d of %d rows had arrived", n, e.ds.totalRows())
			}
			if !strings.Contains(err.Error(), "connection refused") && !strings.Contains(err.Error(), "connection reset") {
				t.Fatalf("the cause is not named: %v", err)
			}
			if err := e.proxy.Revive(); err != nil {
				t.Fatal(err)
			}
			e.rules()
			res, err = e.syncAll()
			expectExact(t, res, err, e.ds.want())
		}},
		{"404 for one object after listing → skip with a warning, the rest exact", func(t *testing.T, e *env) {
			e.mustInit(nil)
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Key: "events/part-004.parquet", Fault: s3fault.FaultNotFound})
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want("events/part-004.parquet"))
			expectSkipped(t, e.plugin, "events/part-004.parquet", "deleted since listing")
		}},
		{"404 for one object after listing, strict → error naming it", func(t *testing.T, e *env) {
			e.mustInit(map[string]any{"strict": true})
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Key: "events/part-004.parquet", Fault: s3fault.FaultNotFound})
			_, err := e.syncAll()
			expectError(t, err, "s3://"+e.bucket+"/events/part-004.parquet", "deleted since listing", "spec.strict")
		}},
		{"object deleted from S3 after listing → skip with a warning, the rest exact", func(t *testing.T, e *env) {
			e.mustInit(nil)
			s3.delete(t, e.bucket, "metrics/m-0.parquet")
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want("metrics/m-0.parquet"))
			expectSkipped(t, e.plugin, "metrics/m-0.parquet", "deleted since listing")
		}},
		{"object replaced after listing → skip (ETag differs), the rest exact", func(t *testing.T, e *env) {
			e.mustInit(nil)
			replacement, _ := parquetgen.Write(parquetgen.Rows(900_000, 10), parquetgen.Layout{})
			if err := s3.put(e.bucket, "events/part-005.parquet", replacement); err != nil {
				t.Fatal(err)
			}
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want("events/part-005.parquet"))
			expectSkipped(t, e.plugin, "events/part-005.parquet", "changed since listing")
		}},
		{"object replaced after listing by one of the same size and footer (values differ) → skip (If-Match answers 412), the rest exact", func(t *testing.T, e *env) {
			// Only the ETag tells the two apart: the size check cannot, and the bytes decode.
			e.mustInit(nil)
			replacement := slices.Clone(e.ds.objects["big/data.parquet"])
			pages, err := parquetgen.Pages(replacement)
			if err != nil {
				t.Fatal(err)
			}
			last := pages[len(pages)-1]
			replacement[last.Payload()+int64(last.PayloadLen)/2] ^= 0x01
			if err := s3.put(e.bucket, "big/data.parquet", replacement); err != nil {
				t.Fatal(err)
			}
			res, err := e.syncAll()
			expectExact(t, res, err, e.ds.want("big/data.parquet"))
			expectSkipped(t, e.plugin, "big/data.parquet", "changed since listing")
		}},
		{"every GET of one object stalls (request_timeout 1s, 20 attempts, operation_timeout 3s) → error naming spec.operation_timeout, in bounded time", func(t *testing.T, e *env) {
			e.mustInit(map[string]any{"request_timeout": "1s", "operation_timeout": "3s", "max_attempts": 20, "max_backoff": "1s"})
			e.rules(s3fault.Rule{Op: s3fault.OpGet, Key: "events/part-007.parquet", Fault: s3fault.FaultStall})
			start := time.Now()
			_, err := e.syncAll()
			expectError(t, err, "s3://"+e.bucket+"/events/part-007.parquet", "no complete answer within spec.operation_timeout (3s)")
			if d := time.Since(start); d > 15*time.Second {
				t.Fatalf("the operation deadline of 3s took %s to fail the sync", d)
			}
		}},
		{"object replaced after listing, strict → error naming it", func(t *testing.T, e *env) {
			e.mustInit(map[string]any{"strict": true})
			replacement, _ := parquetgen.Write(parquetgen.Rows(900_000, 10), parquetgen.Layout{})
			if err := s3.put(e.bucket, "events/part-005.parquet", replacement); err != nil {
				t.Fatal(err)
			}
			_, err := e.syncAll()
			expectError(t, err, "s3://"+e.bucket+"/events/part-005.parquet", "changed since listing", "spec.strict")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			c.run(t, newEnv(t, standardDataset(t)))
			t.Logf("outcome as asserted, %s", time.Since(start).Round(10*time.Millisecond))
		})
	}
}

// TestContentErrors: faults in the objects themselves.
func TestContentErrors(t *testing.T) {
	// The plugin decodes an object in batches, one ahead of what it sends: the first of at most
	// 65,536 rows (a multiple of rows_per_record), later ones of at most 262,144. In a
	// 600,000-row object a page found corrupt in row group 28 of 30 (rows 560,000-579,999) is
	// in the third batch or later, so at least the first was sent; how many depends on how wide
	// the rows decode, and the error must say exactly what the client got.
	t.Run("an object failing in its 29th row group after rows were sent → error naming it", func(t *testing.T) {
		t.Parallel()
		ds := standardDataset(t)
		ds.add(t, "late/broken.parquet", "late", parquetgen.Rows(500_000, 600_000), parquetgen.Layout{Codec: compress.Codecs.Zstd, RowGroupRows: 20_000, PageBytes: 64 << 10})
		corruptPage(t, ds, "late/broken.parquet", func(p parquetgen.Page) bool { return p.RowGroup == 28 && p.Type == parquetgen.PageData })
		e := newEnv(t, ds)
		e.mustInit(map[string]any{"rows_per_record": 500})
		res, err := e.plugin.sync(context.Background(), []string{"late"}, nil)
		n := res.rowCount("late")
		if n < 65_500 || n >= 560_000 || n%500 != 0 {
			t.Fatalf("the client got %d rows: want at least the first batch (65,500) and none from row 560,000 on", n)
		}
		expectError(t, err, "s3://"+e.bucket+"/late/broken.parquet", fmt.Sprintf("content error after %d of its rows were sent", n))
		t.Logf("%d rows sent before the error", n)
	})
	t.Run("a page that made arrow-go panic (nil DataPageHeader) → skip; the process keeps serving", func(t *testing.T) {
		t.Parallel()
		ds := standardDataset(t)
		ds.add(t, "events/panics.parquet", "events", parquetgen.Rows(700_000, 300), parquetgen.Layout{Codec: compress.Codecs.Zstd, Dictionary: true})
		retype(t, ds, "events/panics.parquet", parquetgen.PageDictionary, parquetgen.PageData)
		e := newEnv(t, ds)
		e.mustInit(nil)
		for range 2 {
			res, err := e.syncAll()
			expectExact(t, res, err, ds.want("events/panics.parquet"))
		}
		expectSkipped(t, e.plugin, "events/panics.parquet", "the Parquet decoder failed")
		if !strings.Contains(e.plugin.output(), "recovered panic in the Parquet decoder") {
			t.Fatal("the panic's stack was not logged at debug level")
		}
	})
}

// corruptPage flips payload bytes of the first page of key that match.
func corruptPage(t *testing.T, ds *dataset, key string, match func(parquetgen.Page) bool) {
	t.Helper()
	data := ds.objects[key]
	pages, err := parquetgen.Pages(data)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(pages, match)
	if i < 0 {
		t.Fatalf("%s: no such page", key)
	}
	p := pages[i]
	for k := int64(0); k < 8; k++ {
		data[p.Payload()+k*int64(p.PayloadLen)/8] ^= 0x5a
	}
}

// retype changes the type of the first page of type from in key's header to to.
func retype(t *testing.T, ds *dataset, key string, from, to int32) {
	t.Helper()
	data := ds.objects[key]
	pages, err := parquetgen.Pages(data)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(pages, func(p parquetgen.Page) bool { return p.Type == from })
	if i < 0 || !parquetgen.SetI32At(data, pages[i].Fields["1"], int64(to)) {
		t.Fatalf("%s: cannot retype a page of type %d", key, from)
	}
}

// expectSkipped checks the warning and the summary line name the skipped key and reason.
func expectSkipped(t *testing.T, p *plugin, key, reason string) {
	t.Helper()
	s := summary(t, p, 1)
	var warned bool
	for _, l := range p.logLines("object skipped") {
		if l["key"] == key && strings.Contains(fmt.Sprint(l["reason"]), reason) {
			warned = true
		}
	}
	if !warned {
		t.Fatalf("no \"object skipped\" warning for %s (%s)", key, reason)
	}
	if s["result"] != "ok" || s["objects_skipped"] != float64(1) || !strings.Contains(fmt.Sprint(s["skipped_keys"]), key) {
		t.Fatalf("the summary does not report the skip: %v", s)
	}
}
