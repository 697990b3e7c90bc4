package client

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cq-source-s3/cq-source-s3/internal/parquetread"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
)

// Settings is a spec resolved once, by ParseSpec: defaults applied, every value checked, the
// durations parsed and the concurrency capped. The plugin reads only this; Spec is the JSON shape.
type Settings struct {
	Bucket       string
	Region       string
	PathPrefix   string
	FileType     string
	LocalProfile string
	Endpoint     string
	PathStyle    bool
	Strict       bool
	// Schema is spec.schema: union or sample (schema_mode.go).
	Schema string

	RowsPerRecord int
	// MaxRecordBytes is spec.max_record_bytes, at most a quarter of MemoryBudget: a record sent is
	// copied by the SDK (Arrow IPC) and by gRPC after the budget let go of its bytes.
	MaxRecordBytes int64
	// Concurrency is how many objects are read at once: the spec's value, or the hard cap
	// (maxConcurrency) for a negative one.
	Concurrency int
	MaxAttempts int
	// MemoryBudget bounds the bytes of object data and decoding buffers in flight (internal/parquetread/memory_budget.go).
	MemoryBudget int64

	MaxBackoff          time.Duration
	RequestTimeout      time.Duration
	OperationTimeout    time.Duration
	IncrementalLookback time.Duration
	// SendTimeout bounds how long one message may wait for the client to take it (record_sender.go).
	SendTimeout time.Duration
}

// recordShareOfBudget: a record is at most 1/4 of memory_budget (see MaxRecordBytes).
const recordShareOfBudget = 4

// settings copies a validated spec's values; the durations were parsed into out by Validate.
func (s *Spec) settings(out *Settings) *Settings {
	out.Bucket, out.Region, out.PathPrefix, out.FileType = s.Bucket, s.Region, s.PathPrefix, s.FileType
	out.LocalProfile, out.Endpoint, out.PathStyle, out.Strict = s.LocalProfile, s.Endpoint, s.PathStyle, s.Strict
	out.Schema = s.Schema
	out.RowsPerRecord, out.MaxRecordBytes, out.MaxAttempts = *s.RowsPerRecord, *s.MaxRecordBytes, *s.MaxAttempts
	out.MemoryBudget = *s.MemoryBudget
	out.MaxRecordBytes = max(minRecordBytes, min(out.MaxRecordBytes, out.MemoryBudget/recordShareOfBudget))
	out.Concurrency = *s.Concurrency
	if out.Concurrency < 0 || out.Concurrency > maxConcurrency {
		out.Concurrency = maxConcurrency
	}
	return out
}

// newS3Client is the S3 client of these settings, with at most maxConcurrency connections.
func newS3Client(ctx context.Context, s *Settings) (*s3.Client, aws.Retryer, error) {
	return s3store.NewClient(ctx, s3store.ClientOptions{
		Region: s.Region, LocalProfile: s.LocalProfile, Endpoint: s.Endpoint, PathStyle: s.PathStyle,
		MaxAttempts: s.MaxAttempts, MaxBackoff: s.MaxBackoff, RequestTimeout: s.RequestTimeout, MaxConns: maxConcurrency,
	})
}

// readOptions is what reading objects needs of these settings.
func (s *Settings) readOptions() parquetread.Options {
	return parquetread.Options{MemoryBudget: s.MemoryBudget, RowsPerRecord: s.RowsPerRecord}
}
