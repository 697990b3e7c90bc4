package client

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// footerPrefetch is fetched with the first read of an object: Parquet footers are usually
// smaller, so opening a file costs one ranged GET instead of two.
const footerPrefetch = 64 << 10

// objectReader gives random access to one S3 object through ranged GETs, so a Parquet
// object of any size is read in pieces and never held whole in memory.
type objectReader struct {
	ctx    context.Context
	api    *s3.Client
	bucket string
	key    string
	size   int64
	pos    int64

	tail       []byte
	tailOffset int64
}

func newObjectReader(ctx context.Context, api *s3.Client, bucket, key string, size int64) *objectReader {
	return &objectReader{ctx: ctx, api: api, bucket: bucket, key: key, size: size}
}

func (r *objectReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("negative offset %d", off)
	}
	if off >= r.size {
		return 0, io.EOF
	}
	if r.tail == nil && off+int64(len(p)) > r.size-footerPrefetch {
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

func (r *objectReader) prefetchTail() error {
	start := max(r.size-footerPrefetch, 0)
	buf := make([]byte, r.size-start)
	if _, err := r.readRange(buf, start); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	r.tail, r.tailOffset = buf, start
	return nil
}

func (r *objectReader) readRange(p []byte, off int64) (int, error) {
	end := min(off+int64(len(p)), r.size) - 1
	out, err := r.api.GetObject(r.ctx, &s3.GetObjectInput{
		Bucket: aws.String(r.bucket),
		Key:    aws.String(r.key),
		Range:  aws.String(fmt.Sprintf("bytes=%d-%d", off, end)),
	})
	if err != nil {
		return 0, err
	}
	defer out.Body.Close()
	n, err := io.ReadFull(out.Body, p[:end-off+1])
	if err != nil {
		return n, fmt.Errorf("reading s3://%s/%s bytes %d-%d: %w", r.bucket, r.key, off, end, err)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (r *objectReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.size
	default:
		return 0, fmt.Errorf("invalid whence %d", whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("negative position %d", offset)
	}
	r.pos = offset
	return offset, nil
}
