package parquetread

import (
	"math/bits"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The Parquet reader's own buffers (compressed and decompressed pages, dictionary pages,
// streaming value buffers) come from pageBuffers, one per sync. The reader frees each of them
// explicitly when its column chunk is done, so they are kept for the next column chunk instead
// of being left to the garbage collector: otherwise every column chunk of every object asks
// the kernel for fresh pages, and the next object's buffers are allocated while the last
// one's still wait for a collection (a 117 MB dictionary page then needs twice its size).
//
// Only the reader's internal buffers come from here; the arrays it returns are allocated by
// the Go allocator and belong to the garbage collector, because the SDK never releases them.

// pooledBufferMin: smaller buffers are cheap for the Go allocator (the tests pool every size).
var pooledBufferMin = 64 << 10

// pageBuffers is a memory.Allocator that recycles freed buffers of 64 KiB and more, keeping
// at most maxIdle bytes of them. A reused buffer is zeroed, as the Go allocator's are. Only a
// buffer it handed out and that is not yet freed is taken back: a second Free, or a Free of
// a slice it did not allocate, is ignored. A buffer never freed (a decoder that panicked) is
// simply collected; its entry does not keep it alive.
type pageBuffers struct {
	mu        sync.Mutex
	idle      map[int][][]byte           // by capacity
	lent      map[weak.Pointer[byte]]int // handed out and not yet freed: capacity
	idleBytes int64
	maxIdle   int64
	poison    bool // tests: fill freed buffers, so a read after Free returns wrong values

	fresh atomic.Int64 // bytes allocated anew (not reused)
}

var _ memory.Allocator = (*pageBuffers)(nil)

func newPageBuffers(maxIdle int64) *pageBuffers {
	return &pageBuffers{idle: map[int][][]byte{}, lent: map[weak.Pointer[byte]]int{}, maxIdle: maxIdle, poison: poisonFreedBuffers}
}

// poisonFreedBuffers is set by the tests.
var poisonFreedBuffers = false

// sizeClass rounds n up to a multiple of an eighth of its power of two, so that buffers of
// nearly the same size (pages of one dataset) reuse each other at most 12.5 % larger.
func sizeClass(n int) int {
	step := 1 << max(bits.Len(uint(n-1))-1-3, 0)
	return (n + step - 1) / step * step
}

func (p *pageBuffers) Allocate(size int) []byte {
	if size < pooledBufferMin {
		return make([]byte, size)
	}
	class := sizeClass(size)
	p.mu.Lock()
	list := p.idle[class]
	if len(list) == 0 {
		p.mu.Unlock()
		b := make([]byte, size, class)
		p.fresh.Add(int64(class))
		p.lend(b)
		return b
	}
	b := list[len(list)-1][:size]
	p.idle[class] = list[:len(list)-1]
	p.idleBytes -= int64(class)
	p.lent[weak.Make(&b[0])] = class
	p.mu.Unlock()
	clear(b)
	return b
}

func (p *pageBuffers) lend(b []byte) {
	p.mu.Lock()
	p.lent[weak.Make(&b[0])] = cap(b)
	p.mu.Unlock()
}

func (p *pageBuffers) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		if size > len(b) {
			clear(b[len(b):size]) // what a buffer hands out is zero or written by its user
		}
		return b[:size]
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *pageBuffers) Free(b []byte) {
	if cap(b) < pooledBufferMin {
		return
	}
	b = b[:cap(b)]
	key := weak.Make(&b[0])
	p.mu.Lock()
	defer p.mu.Unlock()
	if class, ok := p.lent[key]; !ok || class != len(b) {
		return // not one of ours, or freed already
	}
	delete(p.lent, key)
	if p.poison {
		poison(b)
	}
	if p.idleBytes+int64(len(b)) > p.maxIdle {
		return
	}
	p.idle[len(b)] = append(p.idle[len(b)], b)
	p.idleBytes += int64(len(b))
}

// poison fills b by doubling copies: a byte loop costs minutes of the race detector's checks.
func poison(b []byte) {
	b[0] = 0xA5
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}
