package client

import (
	"errors"
	"fmt"
	"net/http"
	"syscall"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// skippableError is a reason an object cannot be delivered that lies in the object itself:
// its bytes are not a Parquet file this plugin reads, or it was deleted or replaced since it
// was listed. Such an object is skipped with a warning, but only if none of its rows has been
// sent and spec.strict is off; otherwise it fails the sync. Every other error is fatal.
type skippableError struct {
	reason string
	err    error
}

func (e *skippableError) Error() string {
	if e.err == nil {
		return e.reason
	}
	return e.reason + ": " + e.err.Error()
}

func (e *skippableError) Unwrap() error { return e.err }

func skippable(reason string, err error) error { return &skippableError{reason: reason, err: err} }

func isSkippable(err error) bool {
	var s *skippableError
	return errors.As(err, &s)
}

// s3Error is an S3 request that failed for good: the SDK's retries (or the reader's resumed
// body reads) ran out, or the failure is not retryable. It always fails Init or Sync.
type s3Error struct {
	bucket, key string
	what        string
	err         error
}

func (e *s3Error) Error() string {
	msg := fmt.Sprintf("s3://%s/%s: %s: %v", e.bucket, e.key, e.what, e.err)
	if resourceExhausted(e.err) {
		msg += " (the process is out of resources: lower spec.concurrency or raise the open-file/memory limits)"
	}
	return msg
}

func (e *s3Error) Unwrap() error { return e.err }

// resourceExhausted reports errors that mean this process, not S3, ran out of something.
func resourceExhausted(err error) bool {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM, syscall.ENOBUFS} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}

// describeS3Error turns the S3 errors users can act on into one clear message.
func describeS3Error(bucket, action string, err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NoSuchBucket":
			return fmt.Errorf("bucket %s not found", bucket)
		case "AccessDenied", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken":
			return fmt.Errorf("access denied while %s in bucket %s (%s): check the credentials (spec.local_profile or the default AWS credential chain) and the IAM permissions s3:ListBucket and s3:GetObject", action, bucket, apiErr.ErrorCode())
		}
	}
	return fmt.Errorf("%s in bucket %s: %w", action, bucket, err)
}

func isNotFound(err error) bool {
	return hasErrorCode(err, "NoSuchKey", "NotFound") || hasStatus(err, http.StatusNotFound)
}

// isChanged reports S3's answers to a read of an object that is no longer the listed one:
// the ETag no longer matches (If-Match), or the range lies beyond its new end.
func isChanged(err error) bool {
	return hasErrorCode(err, "PreconditionFailed", "InvalidRange") ||
		hasStatus(err, http.StatusPreconditionFailed, http.StatusRequestedRangeNotSatisfiable)
}

func hasErrorCode(err error, codes ...string) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, c := range codes {
		if apiErr.ErrorCode() == c {
			return true
		}
	}
	return false
}

func hasStatus(err error, statuses ...int) bool {
	var respErr *smithyhttp.ResponseError
	if !errors.As(err, &respErr) {
		return false
	}
	for _, s := range statuses {
		if respErr.HTTPStatusCode() == s {
			return true
		}
	}
	return false
}
