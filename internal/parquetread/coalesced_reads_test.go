package parquetread

import (
	"bytes"
	"context"
	"testing"
)

// Reads the plan did not foresee are served by GETs of their own: outside every segment, and
// inside a segment already dropped because all its bytes were read once.
func TestSegmentCacheServesUnplannedReads(t *testing.T) {
	data := make([]byte, 1000)
	for i := range data {
		data[i] = byte(i)
	}
	fetch := func(_ context.Context, buf []byte, off int64) error {
		copy(buf, data[off:])
		return nil
	}
	c := newSegmentCache(context.Background(), []byteRange{{100, 200}, {300, 400}}, 1000, fetch)
	defer c.close()
	read := func(off, n int64) {
		t.Helper()
		p := make([]byte, n)
		if got, err := c.readAt(p, off); err != nil || got != int(n) || !bytes.Equal(p, data[off:off+n]) {
			t.Fatalf("read %d+%d: %d bytes, %v", off, n, got, err)
		}
	}
	read(100, 100) // the whole first segment: dropped
	read(150, 100) // inside the dropped segment, then a gap: one GET
	read(0, 350)   // before the first segment (one GET), the dropped one and the gap (one GET), the second
	if c.direct.Load() != 3 {
		t.Fatalf("%d direct GETs, want 3", c.direct.Load())
	}
}
