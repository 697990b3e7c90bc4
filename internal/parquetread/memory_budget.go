package parquetread

import (
	"context"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// The memory model (docs/scale.md, "Memory"): spec.memory_budget bounds the bytes of object data
// and decoding buffers held at once, by all objects of a sync together. Before an object is
// fetched it reserves what reading it needs (its read plan's estimate, read_plan.go) and
// waits, in arrival order, while the budget is taken; it returns the reservation when it is
// done. Reading throttles instead of growing: concurrency is an upper bound on the objects
// in flight, the budget the one that usually applies to large or wide objects. An object
// that needs more than the whole budget is read alone.

// memoryBudget is one sync's shared budget of bytes.
type memoryBudget struct {
	limit int64
	sem   *semaphore.Weighted

	reserved atomic.Int64
	peak     atomic.Int64
	waits    atomic.Int64 // reservations that had to wait for others to finish
}

func newMemoryBudget(limit int64) *memoryBudget {
	return &memoryBudget{limit: limit, sem: semaphore.NewWeighted(limit)}
}

// reservation is bytes of a budget held by one object.
type reservation struct {
	b *memoryBudget
	n int64
}

// reserve takes n bytes (at most the whole budget), waiting in arrival order until they are
// free or ctx ends.
func (b *memoryBudget) reserve(ctx context.Context, n int64) (*reservation, error) {
	n = max(min(n, b.limit), 1)
	if !b.sem.TryAcquire(n) {
		b.waits.Add(1)
		if err := b.sem.Acquire(ctx, n); err != nil {
			return nil, err
		}
	}
	b.notePeak(b.reserved.Add(n))
	return &reservation{b: b, n: n}, nil
}

// grow adds n bytes to the reservation (up to the whole budget): at once when they are free;
// otherwise it gives the reservation back and waits for the larger one in turn, because waiting
// while holding could leave every object waiting for bytes the others hold.
func (r *reservation) grow(ctx context.Context, n int64) error {
	total := min(r.n+n, r.b.limit)
	add := total - r.n
	if add <= 0 {
		return nil
	}
	if r.b.sem.TryAcquire(add) {
		r.n = total
		r.b.notePeak(r.b.reserved.Add(add))
		return nil
	}
	r.release()
	bigger, err := r.b.reserve(ctx, total)
	if err != nil {
		return err
	}
	*r = *bigger
	return nil
}

func (b *memoryBudget) notePeak(now int64) {
	for {
		p := b.peak.Load()
		if now <= p || b.peak.CompareAndSwap(p, now) {
			return
		}
	}
}

func (r *reservation) release() {
	if r == nil || r.n == 0 {
		return
	}
	r.b.reserved.Add(-r.n)
	r.b.sem.Release(r.n)
	r.n = 0
}

func (b *memoryBudget) String() string {
	return fmt.Sprintf("%d bytes (peak reserved %d, %d waits)", b.limit, b.peak.Load(), b.waits.Load())
}
