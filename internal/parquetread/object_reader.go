package parquetread

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
)

// footerPrefetch is fetched with the first read of an object: Parquet footers are usually
// smaller, so opening a file costs one ranged GET instead of two.
const footerPrefetch = 64 << 10

// objectReader gives random access to one S3 object through ranged GETs, so a Parquet
// object of any size is read in pieces and never held whole in memory.
//
// The Parquet library may report a failed read in its own words (or not at all), so the
// reader keeps its first failure: failure() tells a transport problem or a vanished object
// apart from bytes that are not Parquet, whatever the library made of it. After a failure
// every read fails the same way without another request.
type objectReader struct {
	ctx   context.Context
	store *s3store.Store
	obj   *s3store.Object
	pos   int64

	tail       []byte
	tailOffset int64

	mu  sync.Mutex // guards err: columns may be read in parallel
	err error

	// segments, when set, serves every read (Sync: see coalesced_reads.go).
	segments *segmentCache
	stop     context.CancelFunc
	// checksums, when set, sees every read served by segments (stream_checksums.go).
	checksums *streamChecksums
}

func newObjectReader(ctx context.Context, store *s3store.Store, obj *s3store.Object) *objectReader {
	return &objectReader{ctx: ctx, store: store, obj: obj}
}

// newPlannedReader reads the object through a segment cache of the given ranges, fetched up
// to `ahead` bytes ahead of the reads. Close it when done.
func newPlannedReader(ctx context.Context, store *s3store.Store, obj *s3store.Object, ranges []byteRange, ahead int64) *objectReader {
	r := newObjectReader(ctx, store, obj)
	cctx, stop := context.WithCancel(ctx)
	r.stop = stop
	r.segments = newSegmentCache(cctx, ranges, ahead, r.fetch)
	return r
}

// fetch fills buf with the object's bytes from off: the segment cache's one GET.
func (r *objectReader) fetch(ctx context.Context, buf []byte, off int64) error {
	n, err := r.store.ReadRange(ctx, r.obj, buf, off)
	if err == nil && n < len(buf) {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return r.describe(err, off, off+int64(len(buf))-1)
	}
	return nil
}

// peek copies what the planned segments hold of p at off without counting it as read (the
// decoder reads it again); 0 without segments or outside them.
func (r *objectReader) peek(p []byte, off int64) int {
	if r.segments == nil {
		return 0
	}
	n, _ := r.segments.peek(p, off)
	return n
}

// peekOrFetch fills p with the object's bytes at off from the planned segments, without
// counting them as read, and with a ranged GET of what they no longer hold (a row group's
// dictionary pages read ahead of the decoder); it returns how many bytes it could fill.
func (r *objectReader) peekOrFetch(p []byte, off int64) int {
	p = p[:max(min(int64(len(p)), r.obj.Size-off), 0)]
	n := 0
	for n < len(p) {
		got := r.peek(p[n:], off+int64(n))
		if got == 0 {
			break
		}
		n += got
	}
	if n < len(p) && r.fetch(r.ctx, p[n:], off+int64(n)) == nil {
		n = len(p)
	}
	return n
}

// close stops the fetches still in flight and drops what the reader holds.
func (r *objectReader) close() {
	if r.segments != nil {
		r.stop()
		r.segments.close()
	}
}

// failure is the reader's first failed read, described: a *SkippableError when the object
// was deleted or replaced since listing, the context's error when the sync was cancelled,
// and an *s3Error for everything else. Nil when every read succeeded.
func (r *objectReader) failure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// fail keeps the first failure and returns it.
func (r *objectReader) fail(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
	}
	return r.err
}

func (r *objectReader) ReadAt(p []byte, off int64) (int, error) {
	if err := r.failure(); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, fmt.Errorf("negative offset %d", off)
	}
	size := r.obj.Size
	if off >= size {
		return 0, io.EOF
	}
	if r.segments != nil {
		return r.readSegments(p, off)
	}
	if r.tail == nil && off+int64(len(p)) > size-footerPrefetch {
		if err := r.prefetchTail(); err != nil {
			return 0, err
		}
	}
	if r.tail != nil && off >= r.tailOffset {
		n := copy(p, r.tail[off-r.tailOffset:])
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	return r.readRange(p, off)
}

func (r *objectReader) readSegments(p []byte, off int64) (int, error) {
	end := min(off+int64(len(p)), r.obj.Size)
	n, err := r.segments.readAt(p[:end-off], off)
	if err != nil {
		return n, r.fail(err)
	}
	if r.checksums != nil {
		if err := r.checksums.read(p[:n], off); err != nil {
			return 0, r.fail(err)
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (r *objectReader) prefetchTail() error {
	start := max(r.obj.Size-footerPrefetch, 0)
	buf := make([]byte, r.obj.Size-start)
	if _, err := r.readRange(buf, start); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	r.tail, r.tailOffset = buf, start
	return nil
}

func (r *objectReader) readRange(p []byte, off int64) (int, error) {
	end := min(off+int64(len(p)), r.obj.Size)
	n, err := r.store.ReadRange(r.ctx, r.obj, p[:end-off], off)
	if err != nil {
		return n, r.fail(r.describe(err, off, end-1))
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (r *objectReader) describe(err error, from, to int64) error {
	switch {
	case r.ctx.Err() != nil:
		return r.ctx.Err()
	case s3store.IsNotFound(err):
		return Skippable("deleted since listing", err)
	case errors.Is(err, s3store.ErrObjectMismatch):
		return Skippable("bytes differ from the listed object", err)
	case s3store.IsChanged(err) || errors.Is(err, s3store.ErrObjectSizeChanged):
		return Skippable(fmt.Sprintf("changed since listing (ETag %s, %d bytes)", r.obj.ETag, r.obj.Size), err)
	}
	return &s3store.Error{Bucket: r.store.Bucket, Key: r.obj.Key, What: fmt.Sprintf("reading bytes %d-%d", from, to), Err: err}
}

func (r *objectReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.obj.Size
	default:
		return 0, fmt.Errorf("invalid whence %d", whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("negative position %d", offset)
	}
	r.pos = offset
	return offset, nil
}
