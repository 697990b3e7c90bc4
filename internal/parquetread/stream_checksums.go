package parquetread

import (
	"fmt"
	"sort"
	"sync"
)

// streamChecksums checks the page CRCs of an object read in ranges as the decoder reads its
// column chunks: each chunk is read from its start to its end in order (columns in parallel),
// so the bytes of every read are fed to that chunk's pageWalk, and the read that completes a
// page whose CRC does not match fails instead of handing the page to the decoder. A chunk read
// out of order (not the Parquet library's way) is left unchecked from there on.
type streamChecksums struct {
	chunks []*streamedChunk // by offset
}

type streamedChunk struct {
	columnChunk
	mu   sync.Mutex
	walk pageWalk
}

func newStreamChecksums(chunks []columnChunk) *streamChecksums {
	s := &streamChecksums{}
	for _, c := range chunks {
		s.chunks = append(s.chunks, &streamedChunk{columnChunk: c, walk: pageWalk{pos: c.off, end: c.end}})
	}
	sort.Slice(s.chunks, func(i, j int) bool { return s.chunks[i].off < s.chunks[j].off })
	return s
}

// read notes that the decoder read p at off; an error is a page that fails its CRC.
func (s *streamChecksums) read(p []byte, off int64) error {
	for len(p) > 0 {
		i := sort.Search(len(s.chunks), func(i int) bool { return s.chunks[i].end > off })
		if i == len(s.chunks) {
			return nil
		}
		c := s.chunks[i]
		if c.off > off { // bytes between chunks
			skip := min(c.off-off, int64(len(p)))
			p, off = p[skip:], off+skip
			continue
		}
		n := min(c.end-off, int64(len(p)))
		if err := c.read(p[:n], off); err != nil {
			return Skippable("page checksum mismatch", fmt.Errorf("row group %d, the column chunk at bytes %d-%d: %w", c.rowGroup, c.off, c.end-1, err))
		}
		p, off = p[n:], off+n
	}
	return nil
}

func (c *streamedChunk) read(p []byte, off int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := &c.walk
	switch {
	case w.abandoned || off+int64(len(p)) <= w.pos: // unchecked, or read again
		return nil
	case off > w.pos || off < w.pos && off+int64(len(p)) > w.pos: // a jump
		w.abandoned = true
		return nil
	}
	return w.feed(p)
}
