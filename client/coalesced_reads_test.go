package client

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/cq-source-s3/cq-source-s3/internal/parquetread"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
)

// An object up to the whole-object limit costs two GETs over Init and Sync: its footer at
// Init, then all of it at Sync, whatever its row groups, columns and pages; the Sync moves
// exactly the object's bytes.
func TestSmallObjectCostsTwoGETs(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("two")
	objects := map[string][]byte{
		"t/one-group.parquet":   writeParquet(t, allTypesRecord(t, 0, 5_000), 5_000),
		"t/many-groups.parquet": writeParquet(t, allTypesRecord(t, 5_000, 20_000), 1_000),
		"t/small-pages.parquet": encodeParquet(t, allTypesRecord(t, 25_000, 30_000),
			parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(10_000), parquet.WithDataPageSize(4<<10), parquet.WithCompression(compress.Codecs.Zstd)), nil),
		"t/tiny.parquet": writeParquet(t, allTypesRecord(t, 55_000, 3), 10),
	}
	for key, body := range objects {
		s3.Put("two", key, body)
	}
	proxy, spec := behindProxy(t, s3, "two", "")
	p, _, err := loggedPlugin(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	initStats := proxy.Stats()
	proxy.ResetStats()
	if rows := rowsByTable(syncAll(t, p)); rows["t"] != 55_003 {
		t.Fatalf("got %v rows", rows)
	}
	syncStats := proxy.Stats()
	for key, body := range objects {
		in, sy := initStats.ByKey[key], syncStats.ByKey[key]
		if gets := in.Requests[s3fault.OpGet] + sy.Requests[s3fault.OpGet]; gets > 2 {
			t.Errorf("%s (%d bytes): %d GETs at Init + %d at Sync, want at most 2 in all", key, len(body), in.Requests[s3fault.OpGet], sy.Requests[s3fault.OpGet])
		}
		if sy.Bytes != int64(len(body)) {
			t.Errorf("%s: the Sync moved %d bytes of a %d-byte object", key, sy.Bytes, len(body))
		}
		t.Logf("%s: %d bytes; Init %d GET (%d bytes), Sync %d GET (%d bytes)", key, len(body), in.Requests[s3fault.OpGet], in.Bytes, sy.Requests[s3fault.OpGet], sy.Bytes)
	}
}

// An object larger than the whole-object limit is read in coalesced ranges of a bounded size:
// its footer once more, then its column chunks cut into segments, each byte once.
func TestLargeObjectIsReadInCoalescedRanges(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("big")
	body := writeParquet(t, allTypesRecord(t, 0, 200_000), 200_000) // one row group, 9 columns of up to several MiB
	const budget = 16 << 20                                         // whole-object limit 4 MiB
	if int64(len(body)) <= parquetread.WholeObjectLimit(budget) {
		t.Fatalf("fixture too small to prove anything: %d bytes", len(body))
	}
	s3.Put("big", "t/big.parquet", body)
	var rec *recordingRanges
	proxy, spec := behindProxy(t, s3, "big", fmt.Sprintf(`,"memory_budget":%d`, budget))
	p, _, err := loggedPlugin(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	proxy.ResetStats()
	rec = recordRanges(s3)
	if rows := rowsByTable(syncAll(t, p)); rows["t"] != 200_000 {
		t.Fatalf("got %v rows", rows)
	}
	st := proxy.Stats().ByKey["t/big.parquet"]
	gets := st.Requests[s3fault.OpGet]
	segment := parquetread.SegmentBytes(budget, 9)
	maxGets := int(int64(len(body))/segment) + 9 + 1 // pieces, one partial piece per column, the footer
	if gets > maxGets || gets < 2 {
		t.Errorf("%d GETs for a %d-byte object, want from 2 to %d (segments of %d bytes)", gets, len(body), maxGets, segment)
	}
	if ratio := float64(st.Bytes) / float64(len(body)); ratio > 1.05 {
		t.Errorf("the Sync moved %d bytes of a %d-byte object (%.3f×), want at most 1.05×", st.Bytes, len(body), ratio)
	}
	for _, r := range rec.ranges() {
		if r.len() > segment {
			t.Errorf("a GET of bytes %d-%d (%d bytes) exceeds the segment size %d: the object would not be read in bounded pieces", r.off, r.end-1, r.len(), segment)
		}
	}
	t.Logf("%d-byte object: %d GETs, %d bytes at Sync", len(body), gets, st.Bytes)
}

type recordingRanges struct{ s3 *testS3 }

func recordRanges(s3 *testS3) *recordingRanges { s3.ObjectGets(); return &recordingRanges{s3} }

// getRange is [off, end) of an object.
type getRange struct{ off, end int64 }

func (r getRange) len() int64 { return r.end - r.off }

func (r *recordingRanges) ranges() []getRange {
	var out []getRange
	for _, h := range r.s3.ObjectGets() {
		var from, to int64
		if _, err := fmt.Sscanf(h, "bytes=%d-%d", &from, &to); err == nil {
			out = append(out, getRange{from, to + 1})
		} else {
			out = append(out, getRange{0, 1 << 62}) // no Range: the whole object
		}
	}
	return out
}
