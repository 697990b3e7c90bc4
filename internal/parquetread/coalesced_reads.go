package parquetread

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
)

// segmentCache serves an object's reads at Sync from a few large ranged GETs planned from
// its footer (read_plan.go) instead of one GET per read of the Parquet library. Segments are
// fetched ahead of the decoder, in the order it needs them, up to segmentFetchers GETs at a
// time and at most `ahead` bytes fetched but not yet read; a segment is dropped as soon as
// every byte of it was read. A read the plan did not foresee (outside every segment, or of a
// segment already dropped) is a direct ranged GET: correct, only one request more.
type segmentCache struct {
	ctx   context.Context
	fetch func(ctx context.Context, buf []byte, off int64) error
	ahead int64

	segs  []*segment // by offset
	order []*segment // fetch order

	mu       sync.Mutex
	changed  *sync.Cond
	next     int   // next segment of order to fetch ahead
	held     int64 // bytes of segments fetched or being fetched and not dropped
	inflight int
	failed   error
	closed   bool
	wg       sync.WaitGroup

	// direct counts reads served by a GET of their own (not by a planned segment).
	direct atomic.Int64
}

type segment struct {
	byteRange
	state    segmentState
	buf      []byte
	consumed int64
}

type segmentState int

const (
	segPending segmentState = iota
	segFetching
	segReady
	segDropped
)

func newSegmentCache(ctx context.Context, ranges []byteRange, ahead int64, fetch func(context.Context, []byte, int64) error) *segmentCache {
	c := &segmentCache{ctx: ctx, fetch: fetch, ahead: ahead}
	c.changed = sync.NewCond(&c.mu)
	for _, r := range ranges {
		if r.len() > 0 {
			s := &segment{byteRange: r}
			c.order = append(c.order, s)
			c.segs = append(c.segs, s)
		}
	}
	sort.Slice(c.segs, func(i, j int) bool { return c.segs[i].off < c.segs[j].off })
	c.mu.Lock()
	c.prefetchLocked()
	c.mu.Unlock()
	return c
}

// prefetchLocked starts fetching the next segments while the read-ahead allows.
func (c *segmentCache) prefetchLocked() {
	for !c.closed && c.failed == nil && c.next < len(c.order) && c.inflight < segmentFetchers {
		s := c.order[c.next]
		if s.state != segPending {
			c.next++
			continue
		}
		if c.held > 0 && c.held+s.len() > c.ahead {
			return
		}
		c.next++
		c.startLocked(s)
	}
}

func (c *segmentCache) startLocked(s *segment) {
	s.state = segFetching
	c.held += s.len()
	c.inflight++
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		buf := make([]byte, s.len())
		err := c.fetch(c.ctx, buf, s.off)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.inflight--
		if err != nil {
			if c.failed == nil {
				c.failed = err
			}
			c.held -= s.len()
			s.state = segDropped
		} else if c.closed {
			c.held -= s.len()
			s.state = segDropped
		} else {
			s.buf, s.state = buf, segReady
		}
		c.changed.Broadcast()
		c.prefetchLocked()
	}()
}

// ReadAt fills p from the segments, fetching and waiting as needed.
func (c *segmentCache) readAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		at := off + int64(n)
		got, err := c.readSegment(p[n:], at)
		if err != nil {
			return n, err
		}
		if got == 0 { // not planned, or dropped: one GET for the rest of this read up to the next segment
			end := off + int64(len(p))
			if i := sort.Search(len(c.segs), func(i int) bool { return c.segs[i].off > at }); i < len(c.segs) {
				end = min(end, c.segs[i].off)
			}
			c.direct.Add(1)
			if err := c.fetch(c.ctx, p[n:n+int(end-at)], at); err != nil {
				return n, err
			}
			got = int(end - at)
		}
		n += got
	}
	return n, nil
}

// segmentAfter is the index of the first segment ending after off.
func (c *segmentCache) segmentAfter(off int64) int {
	return sort.Search(len(c.segs), func(i int) bool { return c.segs[i].end > off })
}

// peek copies what the segment holding off has of p, without counting it as read (so the
// decoder's own read of those bytes still finds them); 0 when no live segment holds it.
func (c *segmentCache) peek(p []byte, off int64) (int, error) { return c.copyOut(p, off, false) }

// readSegment copies what the segment holding off has of p; 0 when no live segment holds it.
func (c *segmentCache) readSegment(p []byte, off int64) (int, error) { return c.copyOut(p, off, true) }

func (c *segmentCache) copyOut(p []byte, off int64, consume bool) (int, error) {
	i := c.segmentAfter(off)
	if i == len(c.segs) || c.segs[i].off > off {
		return 0, nil
	}
	s := c.segs[i]
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		switch {
		case c.failed != nil:
			return 0, c.failed
		case s.state == segReady:
			n := copy(p, s.buf[off-s.off:])
			if !consume {
				return n, nil
			}
			s.consumed += int64(n)
			if s.consumed >= s.len() {
				s.buf, s.state = nil, segDropped
				c.held -= s.len()
				c.prefetchLocked()
			}
			return n, nil
		case s.state == segDropped:
			return 0, nil
		case s.state == segPending:
			c.startLocked(s) // needed now: fetched out of turn, whatever the read-ahead holds
		}
		if err := c.ctx.Err(); err != nil {
			return 0, err
		}
		c.changed.Wait()
	}
}

// close drops every segment once the fetches in flight have ended (the caller cancels their
// context first when it stops early).
func (c *segmentCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	for _, s := range c.segs {
		s.buf = nil
	}
	c.held = 0
	c.mu.Unlock()
}
