package s3store

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
)

// Store is the plugin's access to the objects of one bucket. Each ranged read is one
// operation with an overall deadline (spec.operation_timeout); its GETs are retried by the
// SDK, and a body that dies part-way is resumed from the last byte received.
type Store struct {
	API              *s3.Client
	Bucket           string
	Retryer          aws.Retryer
	MaxAttempts      int
	OperationTimeout time.Duration
	RequestTimeout   time.Duration
	// bytesRead counts object bytes received, for the sync summary.
	BytesRead atomic.Int64
}

// ErrObjectSizeChanged is the answer to a range read whose Content-Range says the object
// no longer has the listed size.
var ErrObjectSizeChanged = errors.New("object size differs from the listing")

// ReadRange fills buf with the object's bytes from off, which must all exist.
func (s *Store) ReadRange(ctx context.Context, obj *Object, buf []byte, off int64) (int, error) {
	opCtx, cancel := context.WithTimeout(ctx, s.OperationTimeout)
	defer cancel()
	n, err := s.readRangeWithin(opCtx, obj, buf, off)
	if err == nil && off == 0 && n == int(obj.Size) {
		err = VerifyWholeObject(obj, buf[:n])
	}
	switch {
	case err == nil || ctx.Err() != nil:
	case opCtx.Err() != nil:
		err = fmt.Errorf("no complete answer within spec.operation_timeout (%s): %w", s.OperationTimeout, err)
	case isTimeout(err):
		err = fmt.Errorf("%w (each attempt is limited by spec.request_timeout, %s)", err, s.RequestTimeout)
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return (errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, context.DeadlineExceeded)
}

func (s *Store) readRangeWithin(ctx context.Context, obj *Object, buf []byte, off int64) (int, error) {
	got, stalled := 0, 0
	for got < len(buf) {
		n, err := s.getOnce(ctx, obj, buf[got:], off+int64(got))
		got += n
		if err == nil {
			continue
		}
		var body *bodyError
		if !errors.As(err, &body) || ctx.Err() != nil {
			return got, err
		}
		if n > 0 {
			stalled = 0
		}
		if stalled++; stalled >= s.MaxAttempts {
			return got, fmt.Errorf("body read failed %d times in a row without progress at byte %d: %w", stalled, off+int64(got), body.err)
		}
		delay, derr := s.Retryer.RetryDelay(stalled, body.err)
		if derr != nil {
			return got, body.err
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return got, body.err
		}
	}
	return got, nil
}

// ErrObjectMismatch: the bytes received are not the listed object's (docs/using.md, "What a sync guarantees").
var ErrObjectMismatch = errors.New("the bytes received are not the listed object's")

// VerifyWholeObject checks an object read whole against its listed ETag, which S3 makes the
// MD5 of the bytes for an object not uploaded in parts ("<32 hex digits>"; a multipart ETag
// has "-<parts>" and an SSE-KMS one is not an MD5: neither can be checked). Ranged reads have no
// such check: S3's checksums cover whole objects (or whole parts), never an arbitrary range.
func VerifyWholeObject(obj *Object, data []byte) error {
	want := strings.Trim(obj.ETag, `"`)
	if len(want) != 2*md5.Size || strings.Trim(want, "0123456789abcdef") != "" {
		return nil
	}
	sum := md5.Sum(data)
	if got := hex.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("%w: MD5 %s, the listed ETag %s", ErrObjectMismatch, got, want)
	}
	return nil
}

// bodyError is a failure while reading a response body: the bytes before it are good and
// the read can resume after them.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "reading response body: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// getOnce issues one ranged GET (retried by the SDK until headers arrive) and reads its body.
func (s *Store) getOnce(ctx context.Context, obj *Object, buf []byte, off int64) (int, error) {
	end := off + int64(len(buf)) - 1
	in := &s3.GetObjectInput{
		Bucket: aws.String(s.Bucket),
		Key:    aws.String(obj.Key),
		Range:  aws.String(fmt.Sprintf("bytes=%d-%d", off, end)),
	}
	if obj.ETag != "" {
		in.IfMatch = aws.String(obj.ETag) // a replaced object answers 412 instead of other bytes
	}
	if off == 0 && end == obj.Size-1 {
		in.ChecksumMode = types.ChecksumModeEnabled // the SDK verifies the whole object's checksum, if S3 has one
	}
	out, err := s.API.GetObject(ctx, in)
	if err != nil {
		return 0, err
	}
	defer out.Body.Close()
	if etag := aws.ToString(out.ETag); etag != "" && obj.ETag != "" && etag != obj.ETag {
		return 0, fmt.Errorf("%w: the answer has ETag %s, the listing %s (the server ignored If-Match)", ErrObjectMismatch, bounded.Quoted(etag), bounded.Quoted(obj.ETag))
	}
	if err := checkContentRange(aws.ToString(out.ContentRange), off, end, obj.Size); err != nil {
		if errors.Is(err, ErrObjectSizeChanged) {
			return 0, err
		}
		return 0, &bodyError{err: err} // a broken answer: retried like a broken body
	}
	n, err := io.ReadFull(out.Body, buf)
	s.BytesRead.Add(int64(n))
	if err != nil {
		return n, &bodyError{err: err}
	}
	return n, nil
}

// checkContentRange makes sure the body holds the requested bytes of the listed object.
func checkContentRange(contentRange string, off, end, size int64) error {
	if contentRange == "" {
		if off == 0 && end == size-1 {
			return nil // the whole object, which a server may answer with 200 and no range
		}
		return fmt.Errorf("the server ignored the Range header (no Content-Range in the answer to bytes=%d-%d)", off, end)
	}
	var from, to, total int64
	if _, err := fmt.Sscanf(contentRange, "bytes %d-%d/%d", &from, &to, &total); err != nil {
		return fmt.Errorf("unexpected Content-Range %q", contentRange)
	}
	if total != size {
		return fmt.Errorf("%w: Content-Range %q, listed size %d", ErrObjectSizeChanged, contentRange, size)
	}
	if from != off || to != end {
		return fmt.Errorf("asked for bytes %d-%d, got Content-Range %q", off, end, contentRange)
	}
	return nil
}
