package parquetread

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
)

// ReadCheckedObject is ReadObject for an object whose footer discovery did not read: it reads
// the footer, gives its schema to check, and reads the rows only if check accepts it (check's
// error comes back unchanged). An object up to wholeBytes is fetched with the one GET its rows
// need anyway and its footer parsed from those bytes, so it costs no request of its own; a
// larger one costs the footer's ranged GET, as at discovery.
func (r *Reader) ReadCheckedObject(ctx context.Context, obj s3store.Object, wholeBytes int64, check func(*arrow.Schema) error, emit func(arrow.RecordBatch) error) error {
	if obj.Size > wholeBytes {
		sc, plan, err := ReadFooter(ctx, r.store, obj, wholeBytes)
		if err != nil {
			return err
		}
		if err := check(sc); err != nil {
			return err
		}
		return r.ReadObject(ctx, obj, plan, emit)
	}
	held, err := r.budget.reserve(ctx, obj.Size)
	if err != nil {
		return err // the sync was cancelled while this object waited for memory
	}
	defer held.release()
	src := newPlannedReader(ctx, r.store, &obj, []byteRange{{0, obj.Size}}, obj.Size)
	defer src.close()
	sc, plan, err := parseFooter(peekingReader{src}, src, true)
	if err != nil {
		return err
	}
	if err := check(sc); err != nil {
		return err
	}
	read := planObjectRead(&obj, plan, r.opts)
	if err := held.grow(ctx, read.reserve-obj.Size); err != nil {
		return err
	}
	return r.decodeHeld(ctx, src, true, read.batch, held, emit)
}

// peekingReader reads a planned reader's segments without consuming them, so that the decoder
// finds the same bytes again; a failed fetch is the reader's failure.
type peekingReader struct{ *objectReader }

func (p peekingReader) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.obj.Size {
		return 0, io.EOF
	}
	end := min(off+int64(len(b)), p.obj.Size)
	n, err := p.segments.peek(b[:end-off], off)
	if err != nil {
		return n, p.fail(err)
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}
