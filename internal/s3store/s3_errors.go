package s3store

import (
	"errors"
	"fmt"
	"net/http"
	"syscall"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Error is an S3 request that failed for good: the SDK's retries (or the reader's resumed
// body reads) ran out, or the failure is not retryable. It always fails Init or Sync.
type Error struct {
	Bucket, Key string
	What        string
	Err         error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("s3://%s/%s: %s: %v", e.Bucket, e.Key, e.What, e.Err)
	if resourceExhausted(e.Err) {
		msg += " (the process is out of resources: lower spec.concurrency or raise the open-file/memory limits)"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// resourceExhausted reports errors that mean this process, not S3, ran out of something.
func resourceExhausted(err error) bool {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM, syscall.ENOBUFS} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}

// DescribeError turns the S3 errors users can act on into one clear message.
func DescribeError(bucket, action string, err error) error {
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

func IsNotFound(err error) bool {
	return hasErrorCode(err, "NoSuchKey", "NotFound") || hasStatus(err, http.StatusNotFound)
}

// IsChanged reports S3's answers to a read of an object that is no longer the listed one:
// the ETag no longer matches (If-Match), or the range lies beyond its new end.
func IsChanged(err error) bool {
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
