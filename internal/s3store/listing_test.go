package s3store

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/fakes3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
)

// storeFor is a store on bucket at endpoint whose client is built as Init builds it, with the
// spec's default timeouts.
func storeFor(t *testing.T, endpoint, bucket string, maxAttempts int) *Store {
	t.Helper()
	const requestTimeout, operationTimeout = 30 * time.Second, 5 * time.Minute
	api, retryer, err := NewClient(context.Background(), ClientOptions{
		Region: "us-east-1", Endpoint: endpoint, PathStyle: true,
		MaxAttempts: maxAttempts, MaxBackoff: 50 * time.Millisecond, RequestTimeout: requestTimeout, MaxConns: 128,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Store{API: api, Bucket: bucket, Retryer: retryer, MaxAttempts: maxAttempts, OperationTimeout: operationTimeout, RequestTimeout: requestTimeout}
}

// layoutStore is a bucket holding keys (one byte each) and the object store on it.
func layoutStore(t *testing.T, s3 *fakes3.Server, bucket string, keys []string) *Store {
	t.Helper()
	s3.CreateBucket(bucket)
	for _, k := range keys {
		s3.Put(bucket, k, []byte("x"))
	}
	return storeFor(t, s3.Endpoint, bucket, 5)
}

// pagedKeys is the reference: the SDK's paginator, one page after another.
func pagedKeys(t *testing.T, store *Store, prefix string, maxKeys int32) (keys []string, pages int) {
	t.Helper()
	p := s3.NewListObjectsV2Paginator(store.API, &s3.ListObjectsV2Input{Bucket: aws.String(store.Bucket), Prefix: aws.String(prefix), MaxKeys: aws.Int32(maxKeys)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, pages
}

func listKeys(t *testing.T, l *Lister) ([]string, *ListResult) {
	t.Helper()
	res, err := l.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, len(res.Objects))
	for i, o := range res.Objects {
		keys[i] = aws.ToString(o.Key)
	}
	return keys, res
}

func keysf(format string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, i)
	}
	return out
}

// listingLayouts are bucket layouts whose parallel listing must equal the paged one.
var listingLayouts = map[string][]string{
	"flat": keysf("events/part-%04d.parquet", 150),
	"hive": func() (keys []string) {
		for y := 2023; y <= 2024; y++ {
			for m := 1; m <= 12; m++ {
				for d := 1; d <= 3; d++ {
					keys = append(keys, fmt.Sprintf("data/year=%d/month=%02d/day=%02d/part-0.parquet", y, m, d), fmt.Sprintf("data/year=%d/month=%02d/day=%02d/part-1.parquet", y, m, d))
				}
			}
		}
		return keys
	}(),
	// Keys that sort right next to directory boundaries ('-' and '.' sort before '/', '0' after),
	// directory markers, non-ASCII names, and objects beside directories at every level.
	"neighbours": slices.Concat([]string{
		"a.parquet", "a/", "a-b/c.parquet", "a/b/", "a/b.parquet", "a/b/c.parquet", "a0.parquet", "a/été/x.parquet",
		"a/zz/y.parquet", "ab/x.parquet", "b/x.parquet", "b/y/", "b/y.parquet", "z.parquet", "日本/データ.parquet",
	}, keysf("a/b/f%03d.parquet", 40), keysf("b/y/f%03d.parquet", 40), keysf("a-b/g%03d.parquet", 20)),
	"deep":  slices.Concat(keysf("a/b/c/d/e/f/g/h/%03d.parquet", 60), keysf("a/b/c/d/x%02d.parquet", 30), keysf("a/%02d.parquet", 30)),
	"wide":  keysf("d%03d/x.parquet", 300),
	"mixed": slices.Concat(keysf("t%d/part.parquet", 9), keysf("t4/sub/%03d.parquet", 120), keysf("root-%02d.parquet", 25)),
}

func TestParallelListingEqualsPagedListing(t *testing.T) {
	s3 := fakes3.Start(t)
	for name, keys := range listingLayouts {
		store := layoutStore(t, s3, "list-"+name, keys)
		prefixes := []string{"", strings.SplitAfter(keys[len(keys)/2], "/")[0], "a/b"}
		for _, prefix := range prefixes {
			for _, maxKeys := range []int32{7, 1000} {
				t.Run(fmt.Sprintf("%s/prefix=%q/page=%d", name, prefix, maxKeys), func(t *testing.T) {
					want, pages := pagedKeys(t, store, prefix, maxKeys)
					l := NewLister(store, prefix, 50)
					l.maxKeys = maxKeys
					got, res := listKeys(t, l)
					if !slices.Equal(got, want) {
						t.Fatalf("parallel listing differs from the paged one:\n got %d keys %q\nwant %d keys %q", len(got), got, len(want), want)
					}
					if pages == 1 && (res.Requests != 1 || res.Ranges != 0) {
						t.Errorf("a one-page listing took %d requests, %d ranges: want exactly the one page", res.Requests, res.Ranges)
					}
					checkKeepingSeesEveryKeyOnce(t, store, prefix, maxKeys, want)
				})
			}
		}
	}
}

// A filter (Keeping) sees every key once, however the listing was split, and List returns
// what it kept, in key order.
func checkKeepingSeesEveryKeyOnce(t *testing.T, store *Store, prefix string, maxKeys int32, want []string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	l := NewLister(store, prefix, 50).Keeping(func(obj types.Object) bool {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, aws.ToString(obj.Key))
		return len(seen)%3 != 0
	})
	l.maxKeys = maxKeys
	got, _ := listKeys(t, l)
	slices.Sort(seen)
	if !slices.Equal(seen, want) {
		t.Fatalf("the filter saw %d keys, want each of the %d listed once", len(seen), len(want))
	}
	if kept := len(want) - len(want)/3; len(got) != kept || !slices.IsSorted(got) {
		t.Errorf("List returned %d keys (sorted: %v), want the %d kept, in key order", len(got), slices.IsSorted(got), kept)
	}
}

// Ranges split at every directory of the layout, directory markers ("a/", "b/y/") among
// them: the head and the ranges together list every key once.
func TestKeyRangesHoldEveryKeyOnce(t *testing.T) {
	s3 := fakes3.Start(t)
	keys := listingLayouts["neighbours"]
	store := layoutStore(t, s3, "ranges", keys)
	want, _ := pagedKeys(t, store, "", 1000)
	var points []string
	for _, k := range want {
		for i := range len(k) {
			if k[i] == '/' {
				points = append(points, k[:i+1])
			}
		}
	}
	slices.Sort(points)
	points = slices.Compact(points)
	for _, points := range [][]string{points, {"a/", "a/b/", "b/y/"}} { // all, and only those that are keys too
		l := NewLister(store, "", 4)
		l.maxKeys = 3
		h := &head{}
		ranges := h.split(points)
		if h.until != points[0] || len(ranges) != len(points) {
			t.Fatalf("split before any key: head until %q, %d ranges; want %q, %d", h.until, len(ranges), points[0], len(points))
		}
		if err := l.pages(context.Background(), l.input(), h.take); err != nil {
			t.Fatal(err)
		}
		tail, err := l.listRanges(context.Background(), ranges, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range slices.Concat(append([][]types.Object{h.objects}, tail...)...) {
			got = append(got, aws.ToString(o.Key))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("split at %q: head and ranges listed %d keys %q\nwant %d keys %q", points, len(got), got, len(want), want)
		}
	}
	if done := (&head{done: true}).split(points); done != nil {
		t.Errorf("a finished head split off %q", done)
	}
}

func TestListingSplitsDirectoriesIntoParallelRanges(t *testing.T) {
	s3 := fakes3.Start(t)
	keys := listingLayouts["hive"]
	store := layoutStore(t, s3, "split", keys)
	_, pages := pagedKeys(t, store, "", 5)
	l := NewLister(store, "", 4)
	l.maxKeys = 5
	l.holdHead = true // the head would otherwise race the exploration past the split points
	got, res := listKeys(t, l)
	if len(got) != len(keys) {
		t.Fatalf("listed %d keys, want %d", len(got), len(keys))
	}
	// 4 workers: at most 15 split points, so 16 ranges, less those the head passed while
	// the directories were explored (a few pages).
	if res.Ranges < 8 || res.Ranges > 4*listRangesPerWorker {
		t.Errorf("%d key ranges, want 8 to %d", res.Ranges, 4*listRangesPerWorker)
	}
	// Each range may end with a page that runs past it; three directory levels cost 4 more.
	if limit := int64(pages + 2*res.Ranges + 4); res.Requests > limit {
		t.Errorf("%d list requests for %d paged pages, want at most %d", res.Requests, pages, limit)
	}
}

func TestListingOfAFlatDirectoryCostsOneRequestMore(t *testing.T) {
	s3 := fakes3.Start(t)
	store := layoutStore(t, s3, "flat", listingLayouts["flat"])
	_, pages := pagedKeys(t, store, "events/", 10)
	l := NewLister(store, "events/", 50)
	l.maxKeys = 10
	_, res := listKeys(t, l)
	if res.Requests != int64(pages)+1 || res.Ranges != 1 {
		t.Errorf("%d requests in %d ranges for %d pages: want one delimiter listing more, one range", res.Requests, res.Ranges, pages)
	}
}

func TestListingFailureNamesTheBucketAndPrefix(t *testing.T) {
	s3 := fakes3.Start(t)
	s3.CreateBucket("listfail")
	for _, k := range listingLayouts["wide"] {
		s3.Put("listfail", k, []byte("x"))
	}
	// The first pages succeed; a later one, inside a parallel range, fails for good.
	proxy := s3fault.StartForTest(t, s3.Endpoint, s3fault.Rule{Op: s3fault.OpList, Skip: 3, Fault: s3fault.FaultStatus, Status: 500, Code: "InternalError"})
	l := NewLister(storeFor(t, proxy.URL(), "listfail", 1), "", 50)
	l.maxKeys = 10
	_, err := l.List(context.Background())
	if err == nil || !strings.Contains(err.Error(), `listing objects under "" in bucket listfail`) || !strings.Contains(err.Error(), "InternalError") {
		t.Fatalf("error %v: want the listing, the bucket and the cause", err)
	}
}

func TestTruncatedPageWithoutTokenIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>`)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	store := storeFor(t, srv.URL, "b", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := NewLister(store, "", 4).List(ctx)
	if err == nil || !strings.Contains(err.Error(), "truncated page without a new continuation token") {
		t.Fatalf("error %v: want the truncated listing named", err)
	}
}

func TestCommonPrefixKeepsWholeCharacters(t *testing.T) {
	for _, c := range [][3]string{
		{"t0/dt=00003/", "t0/dt=00012/", "t0/dt=000"},
		{"a/é1", "a/é2", "a/é"},
		{"a/é", "a/è", "a/"}, // é and è share their first byte
		{"x", "y", ""},
		{"same", "same", "same"},
	} {
		if got := commonPrefix(c[0], c[1]); got != c[2] {
			t.Errorf("commonPrefix(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
