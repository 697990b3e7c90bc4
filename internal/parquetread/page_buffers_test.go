package parquetread

import (
	"bytes"
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// Every test of this package reads through recycled buffers of every size, and a freed buffer
// is overwritten at once: a reader that used a buffer after freeing it would decode wrong
// values, which the tests compare row by row.
func init() {
	poisonFreedBuffers = true
	pooledBufferMin = 1
}

func TestSizeClasses(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{1, 1}, {8, 8}, {9, 9}, {17, 18}, {64 << 10, 64 << 10}, {64<<10 + 1, 72 << 10},
		{1 << 20, 1 << 20}, {1<<20 + 1, 1<<20 + 128<<10}, {117_000_000, 117_440_512},
	} {
		if got := sizeClass(c.n); got != c.want {
			t.Errorf("sizeClass(%d) = %d, want %d", c.n, got, c.want)
		}
		if got := sizeClass(c.n); float64(got) > 1.125*float64(c.n)+1 {
			t.Errorf("sizeClass(%d) = %d wastes more than 12.5 %%", c.n, got)
		}
	}
}

func TestPageBuffersReuseZeroedBuffers(t *testing.T) {
	p := newPageBuffers(1 << 20)
	a := p.Allocate(100_000)
	for i := range a {
		a[i] = 7
	}
	p.Free(a)
	if n := bytes.Count(a[:cap(a)], []byte{0xA5}); n != cap(a) {
		t.Fatalf("a freed buffer is poisoned in %d of its %d bytes", n, cap(a))
	}
	b := p.Allocate(99_000) // same size class
	if &b[0] != &a[0] || len(b) != 99_000 {
		t.Fatalf("a freed buffer of the same size class was not reused")
	}
	if i := bytes.IndexFunc(b, func(r rune) bool { return r != 0 }); i >= 0 {
		t.Fatalf("a reused buffer is not zeroed at %d", i)
	}
	b[len(b)-1] = 9
	c := p.Reallocate(100_000, b) // grows within its capacity: the new part is zeroed too
	if &c[0] != &a[0] || c[99_000] != 0 || c[98_999] != 9 {
		t.Fatalf("growing within the capacity moved the buffer or left old bytes in it")
	}
	if got := p.fresh.Load(); got != int64(sizeClass(100_000)) {
		t.Fatalf("%d bytes allocated anew, want one buffer of %d", got, sizeClass(100_000))
	}
}

func TestPageBuffersTakeBackOnlyTheirOwnBuffersOnce(t *testing.T) {
	p := newPageBuffers(1 << 30)
	a := p.Allocate(200_000)
	p.Free(a)
	p.Free(a) // freed twice: kept once, or two readers would share it
	if x, y := p.Allocate(200_000), p.Allocate(200_000); &x[0] == &y[0] {
		t.Fatal("a buffer freed twice was lent twice")
	}
	foreign := make([]byte, sizeClass(300_000))
	p.Free(foreign)
	p.Free(a[1000:]) // a slice of a buffer, not the buffer
	if p.idleBytes != 0 {
		t.Fatalf("buffers it did not lend were kept: %d idle bytes", p.idleBytes)
	}
}

func TestPageBuffersKeepAtMostMaxIdle(t *testing.T) {
	p := newPageBuffers(300_000)
	a, b := p.Allocate(200_000), p.Allocate(200_000)
	p.Free(a)
	p.Free(b)
	if p.idleBytes > 300_000 || p.idleBytes == 0 {
		t.Fatalf("%d idle bytes with a limit of 300,000", p.idleBytes)
	}
}

// The dictionary bomb (one 117 MB dictionary page in a 20 KB object) read three times through
// one sync's buffers allocates the page's buffer once: the later objects reuse it instead of
// allocating another while the last one waits for the garbage collector.
func TestDictionaryPageBufferIsReusedAcrossObjects(t *testing.T) {
	data, err := parquetgen.DictionaryBomb()
	if err != nil {
		t.Fatal(err)
	}
	buffers := newPageBuffers(256 << 20)
	var after []int64
	for range 3 {
		pf, err := openParquet(bytes.NewReader(data), buffers)
		if err != nil {
			t.Fatal(err)
		}
		var rows int64
		err = decodeRecords(context.Background(), pf, batchSize{rows: 450, bytes: 8 << 20, firstRowBytes: 260_000}, func(r arrow.RecordBatch) error {
			blobs := r.Column(0).(*array.String)
			for i := range blobs.Len() {
				if blobs.Value(i) != parquetgen.BombValue(rows+int64(i), 260_000) {
					t.Fatalf("row %d changed", rows+int64(i))
				}
			}
			rows += r.NumRows()
			return nil
		})
		if err != nil || rows != 450 {
			t.Fatal(rows, err)
		}
		after = append(after, buffers.fresh.Load())
	}
	t.Logf("bytes allocated anew after each object: %v", after)
	if after[0] < 117_000_000 || after[2] != after[0] {
		t.Fatalf("bytes allocated anew after each object: %v; the second and third should reuse the first's", after)
	}
}
