package s3store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
	"golang.org/x/sync/errgroup"
)

// Listing the bucket (docs/scale.md, "Sharding a bucket over N processes"). ListObjectsV2 returns at most 1,000 keys
// a page, and each page needs the previous page's continuation token: listed one page after
// another, N objects take N/1,000 round trips. Every shard lists the whole bucket (an
// object's shard is a hash of its key, so no key range is one shard's), so this cost does not
// shrink with the shard count; it is bounded by listing key ranges in parallel instead.
//
// A bucket whose first page is the whole listing costs that one request, as before. Past
// it, the listing goes on page by page (the head) while the directories under path_prefix
// are explored for split points ("/"-delimited listings, level by level: at most
// maxListDepth levels, listWorkers directories a level, and a directory's pages only while
// they hold more subdirectories than objects). When the points are known, the head stops
// at the first point ahead of it and the keys after it are listed as the ranges between
// consecutive points, in parallel: each range is a listing with start-after its lower bound
// that stops past its upper bound. Ranges are (lower, upper], so they hold every key once
// whatever the points are; the points only decide the balance. If the head reaches the end
// first, the exploration is abandoned: the listing is never slower than paging, and a
// directory without subdirectories is listed page by page.

const (
	listDelimiter = "/"
	// maxListDepth bounds the directory levels explored for split points.
	maxListDepth = 4
	// maxListWorkers bounds the listings in flight (and the directories explored a level).
	maxListWorkers = 16
	// listRangesPerWorker: more ranges than workers, so one dense range does not hold up
	// the listing while the other workers idle.
	listRangesPerWorker = 4
)

// Lister lists every object under one prefix.
type Lister struct {
	store   *Store
	prefix  string
	workers int
	maxKeys int32 // keys a page (0: the server's default, 1,000 on S3); tests set fewer
	// holdHead (tests) starts the head only once the split points are known, so that a test of
	// the split's balance does not depend on which goroutine a busy machine runs first.
	holdHead bool

	requests atomic.Int64 // ListObjectsV2 calls made
	// keep, when set, sees every listed object once and decides whether List returns it, so
	// that a caller keeping a small share of a large bucket never holds all of it. It may be
	// called from several goroutines at once.
	keep func(types.Object) bool
}

// ListResult is a listing and what it cost, for its log line.
type ListResult struct {
	Objects  []types.Object
	Requests int64
	// ranges is how many key ranges were listed in parallel after the first page: 0 when
	// the first page was the whole listing, 1 when the head listed the rest alone.
	Ranges   int
	Duration time.Duration
}

func NewLister(store *Store, prefix string, concurrency int) *Lister {
	return &Lister{store: store, prefix: prefix, workers: max(1, min(concurrency, maxListWorkers))}
}

// Keeping sets the filter of the objects List returns (nil: all); it returns l.
func (l *Lister) Keeping(keep func(types.Object) bool) *Lister {
	l.keep = keep
	return l
}

// kept is objects without those the filter drops; objects is not changed.
func (l *Lister) kept(objects []types.Object) []types.Object {
	if l.keep == nil {
		return objects
	}
	out := make([]types.Object, 0, len(objects))
	for _, obj := range objects {
		if l.keep(obj) {
			out = append(out, obj)
		}
	}
	return out
}

// Probe lists one key under the prefix: the listing's access, without its cost.
func (l *Lister) Probe(ctx context.Context) error {
	in := l.input()
	in.MaxKeys = aws.Int32(1)
	_, err := l.page(ctx, in)
	return err
}

func (l *Lister) input() *s3.ListObjectsV2Input {
	return &s3.ListObjectsV2Input{Bucket: aws.String(l.store.Bucket), Prefix: aws.String(l.prefix)}
}

// List returns every object under the prefix, in key order.
func (l *Lister) List(ctx context.Context) (*ListResult, error) {
	started := time.Now()
	in := l.input()
	first, err := l.page(ctx, in)
	if err != nil {
		return nil, err
	}
	res := &ListResult{Objects: l.kept(first.Contents)}
	switch {
	case !aws.ToBool(first.IsTruncated):
	case len(first.Contents) == 0: // no key to go on after: follow the token
		in.ContinuationToken = first.NextContinuationToken
		rest, err := l.listFrom(ctx, in, "")
		if err != nil {
			return nil, err
		}
		res.Objects, res.Ranges = rest, 1
	default: // the split points are found from the first page as listed, not as kept
		rest, ranges, err := l.listAfter(ctx, first.Contents)
		if err != nil {
			return nil, err
		}
		res.Objects, res.Ranges = append(res.Objects, rest...), ranges
	}
	res.Requests, res.Duration = l.requests.Load(), time.Since(started)
	return res, nil
}

// listAfter lists the keys after the first page: the head, and the ranges split off it.
func (l *Lister) listAfter(ctx context.Context, first []types.Object) ([]types.Object, int, error) {
	after := aws.ToString(first[len(first)-1].Key)
	h := &head{pos: after}
	var tail [][]types.Object
	g, gctx := errgroup.WithContext(ctx)
	explore, stopExploring := context.WithCancel(gctx)
	defer stopExploring()
	explored := make(chan struct{})
	h.keep = l.keep
	g.Go(func() error {
		if l.holdHead {
			select {
			case <-explored:
			case <-gctx.Done():
			}
		}
		in := l.input()
		in.StartAfter = aws.String(after)
		err := l.pages(gctx, in, h.take)
		stopExploring() // done, or failed: either way no split is wanted any more
		return err
	})
	g.Go(func() error {
		released := false
		release := func() {
			if !released {
				released = true
				close(explored)
			}
		}
		defer release()
		sp, err := l.splitPoints(explore, first)
		if explore.Err() != nil {
			return nil // the head finished first (or the listing failed: its error is the head's)
		}
		if err != nil {
			return err
		}
		points := h.split(sp.points)
		release()
		tail, err = l.listRanges(gctx, points, int32(sp.rangeKeys))
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	return append(h.objects, slices.Concat(tail...)...), 1 + len(tail), nil
}

// head is the listing after the first page, page by page, until split (or the end).
type head struct {
	mu      sync.Mutex
	objects []types.Object
	pos     string // the last key taken
	until   string // "" until split: the last key the head lists
	done    bool
	keep    func(types.Object) bool // the Lister's
}

// take adds a page's keys up to the head's bound; false when the head is done.
func (h *head) take(page *s3.ListObjectsV2Output) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, obj := range page.Contents {
		if key := aws.ToString(obj.Key); h.until == "" || key <= h.until {
			if h.keep == nil || h.keep(obj) {
				h.objects = append(h.objects, obj)
			}
			h.pos = key
		} else {
			h.done = true
			return false
		}
	}
	h.done = !aws.ToBool(page.IsTruncated)
	return !h.done
}

// split bounds the head at the first of points ahead of it and returns the points from
// that one on: the lower bounds of the ranges others list (none once the head is done).
func (h *head) split(points []string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	i, _ := slices.BinarySearch(points, h.pos)
	for i < len(points) && points[i] <= h.pos {
		i++
	}
	if h.done || i == len(points) {
		return nil
	}
	h.until = points[i]
	return points[i:]
}

// listRanges lists (points[0], points[1]], …, (points[last], end) in parallel.
func (l *Lister) listRanges(ctx context.Context, points []string, pageKeys int32) ([][]types.Object, error) {
	found := make([][]types.Object, len(points))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(l.workers)
	for i, after := range points {
		until := ""
		if i+1 < len(points) {
			until = points[i+1]
		}
		g.Go(func() (err error) {
			in := l.input()
			in.StartAfter = aws.String(after)
			if until != "" { // every key between two strings starts with what they share: the last page ends there
				in.Prefix = aws.String(commonPrefix(after, until))
			}
			if pageKeys > 0 {
				in.MaxKeys = aws.Int32(pageKeys)
			}
			found[i], err = l.listFrom(gctx, in, until)
			return err
		})
	}
	return found, g.Wait()
}

// split is where the listing after the first page is cut, and how many keys each range is
// expected to hold (0: unknown).
type split struct {
	points    []string
	rangeKeys int
}

// splitPoints returns the directory prefixes after the first page to split the rest of the
// listing at, sorted and spread over the directories found: one range per page the
// directories suggest are left, at most workers*listRangesPerWorker. The estimate, at the
// deepest level explored: the first page's keys in the directory it ends in, per
// subdirectory of it the page reached, times the subdirectories after it.
func (l *Lister) splitPoints(ctx context.Context, first []types.Object) (split, error) {
	after := aws.ToString(first[len(first)-1].Key)
	var points []string
	keysLeft := math.Inf(1) // no estimate: as many ranges as allowed
	frontier := []string{l.prefix}
	for depth := 0; depth < maxListDepth && len(frontier) > 0; depth++ {
		children, err := l.subdirectories(ctx, frontier)
		if err != nil {
			return split{}, err
		}
		var next []string
		reached, ahead := 0, 0
		for _, p := range children {
			switch {
			case p > after:
				points, next, ahead = append(points, p), append(next, p), ahead+1
			case strings.HasPrefix(after, p): // the first page ends inside p
				next, reached = append(next, p), reached+1
			default:
				reached++
			}
		}
		if reached > 0 && ahead > 0 { // frontier[0] holds the first page's end (it sorts first)
			keysLeft = float64(ahead) * float64(keysUnder(first, frontier[0])) / float64(reached)
		}
		if len(next) > l.workers {
			break // enough directories at this level; a deeper level would cost a listing each
		}
		frontier = next
	}
	slices.Sort(points)
	points = slices.Compact(points)
	ranges := l.workers * listRangesPerWorker
	if !math.IsInf(keysLeft, 1) {
		ranges = min(ranges, int(math.Ceil(keysLeft/float64(len(first)))))
	}
	if ranges < 2 {
		return split{}, nil // about a page left: the head lists it
	}
	if len(points) > ranges-1 {
		spread := make([]string, ranges-1)
		for i := range spread {
			spread[i] = points[(i+1)*len(points)/ranges]
		}
		points = slices.Compact(spread)
	}
	sp := split{points: points}
	if !math.IsInf(keysLeft, 1) {
		// A page a little larger than a range is expected to need: less of it runs past the
		// range's end, and a range that holds more only costs another page.
		sp.rangeKeys = min(len(first), max(100, int(1.25*keysLeft/float64(len(points)+1))))
	}
	return sp, nil
}

// commonPrefix is the longest common prefix of a and b that is whole UTF-8 characters.
func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && !utf8.ValidString(a[:n]) {
		n--
	}
	return a[:n]
}

// keysUnder counts the objects whose key starts with dir.
func keysUnder(objects []types.Object, dir string) int {
	n := 0
	for _, o := range objects {
		if strings.HasPrefix(aws.ToString(o.Key), dir) {
			n++
		}
	}
	return n
}

// subdirectories lists the common prefixes directly under each of dirs, in parallel. A
// directory's listing stops at a page with more objects than subdirectories: paging
// through objects would cost as much as listing them.
func (l *Lister) subdirectories(ctx context.Context, dirs []string) ([]string, error) {
	found := make([][]string, len(dirs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(l.workers)
	for i, dir := range dirs {
		g.Go(func() error {
			in := l.input()
			in.Prefix, in.Delimiter = aws.String(dir), aws.String(listDelimiter)
			return l.pages(gctx, in, func(page *s3.ListObjectsV2Output) bool {
				for _, cp := range page.CommonPrefixes {
					found[i] = append(found[i], aws.ToString(cp.Prefix))
				}
				return len(page.CommonPrefixes) >= len(page.Contents)
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(found...), nil
}

// listFrom lists from in (its start-after or continuation token) up to and including the
// key until ("" = to the end).
func (l *Lister) listFrom(ctx context.Context, in *s3.ListObjectsV2Input, until string) ([]types.Object, error) {
	var out []types.Object
	err := l.pages(ctx, in, func(page *s3.ListObjectsV2Output) bool {
		for _, obj := range page.Contents {
			if until != "" && aws.ToString(obj.Key) > until {
				return false
			}
			if l.keep == nil || l.keep(obj) {
				out = append(out, obj)
			}
		}
		return true
	})
	return out, err
}

// pages calls each for every page from in on, until it returns false or the listing ends.
func (l *Lister) pages(ctx context.Context, in *s3.ListObjectsV2Input, each func(*s3.ListObjectsV2Output) bool) error {
	for {
		page, err := l.page(ctx, in)
		if err != nil {
			return err
		}
		if !each(page) || !aws.ToBool(page.IsTruncated) {
			return nil
		}
		next := aws.ToString(page.NextContinuationToken)
		if next == "" || next == aws.ToString(in.ContinuationToken) {
			return DescribeError(l.store.Bucket, l.what(), fmt.Errorf("the server answered a truncated page without a new continuation token (%s)", bounded.Quoted(next)))
		}
		in.ContinuationToken = aws.String(next)
	}
}

// page is one ListObjectsV2 call under spec.operation_timeout.
func (l *Lister) page(ctx context.Context, in *s3.ListObjectsV2Input) (*s3.ListObjectsV2Output, error) {
	ctx, cancel := context.WithTimeout(ctx, l.store.OperationTimeout)
	defer cancel()
	if l.maxKeys > 0 && (in.MaxKeys == nil || *in.MaxKeys > l.maxKeys) {
		in.MaxKeys = aws.Int32(l.maxKeys)
	}
	l.requests.Add(1)
	out, err := l.store.API.ListObjectsV2(ctx, in)
	if err != nil {
		return nil, DescribeError(l.store.Bucket, l.what(), err)
	}
	return out, nil
}

func (l *Lister) what() string { return "listing objects under " + bounded.Quoted(l.prefix) }
