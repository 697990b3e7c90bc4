package parquetread

import (
	"context"
	"testing"
	"time"
)

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
		r.release()                                  // before saying so: the test then finds nothing reserved
		got <- 1
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
