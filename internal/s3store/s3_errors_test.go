package s3store

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

func TestDescribeS3Error(t *testing.T) {
	cases := map[string]string{
		"NoSuchBucket":       "bucket b not found",
		"AccessDenied":       "access denied while listing objects in bucket b (AccessDenied): check the credentials",
		"InvalidAccessKeyId": "check the credentials (spec.local_profile",
		"SlowDown":           "listing objects in bucket b: api error SlowDown",
	}
	for code, want := range cases {
		err := DescribeError("b", "listing objects", &smithy.GenericAPIError{Code: code, Message: code})
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %q", code, want, err)
		}
	}
	if err := DescribeError("b", "x", errors.New("boom")); !strings.Contains(err.Error(), "boom") {
		t.Errorf("wrapped error lost: %v", err)
	}
}
