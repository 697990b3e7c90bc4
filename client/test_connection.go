package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
	"github.com/rs/zerolog"
)

// Failure codes of TestConnection, as `cloudquery test-connection` prints them.
const (
	CodeInvalidSpec        = "INVALID_SPEC"
	CodeUnreachable        = "UNREACHABLE_ENDPOINT"
	CodeInvalidCredentials = "INVALID_CREDENTIALS"
	CodeWrongRegion        = "WRONG_REGION"
	CodeBucketNotFound     = "BUCKET_NOT_FOUND"
	CodeAccessDenied       = "ACCESS_DENIED"
	CodeUnknown            = "UNKNOWN"
)

// testConnectionTimeout bounds the whole check: one ListObjectsV2 call, not retried.
const testConnectionTimeout = 30 * time.Second

// TestConnection is the plugin's connection tester. One ListObjectsV2 call (MaxKeys 1, under
// path_prefix) proves everything a sync needs before it reads a byte: the endpoint answers,
// the credentials are valid, the bucket exists in spec.region, and they may list it.
func TestConnection(ctx context.Context, _ zerolog.Logger, specBytes []byte) error {
	err := checkConnection(ctx, specBytes)
	var tc *plugin.TestConnError
	if errors.As(err, &tc) {
		tc.Message = bounded.Error(tc.Message)
	}
	return err
}

func checkConnection(ctx context.Context, specBytes []byte) error {
	spec, err := ParseSpec(specBytes)
	if err != nil {
		return plugin.NewTestConnError(CodeInvalidSpec, err)
	}
	ctx, cancel := context.WithTimeout(ctx, testConnectionTimeout)
	defer cancel()
	api, _, err := newS3Client(ctx, spec)
	if err != nil {
		return plugin.NewTestConnError(CodeInvalidCredentials, err)
	}
	_, err = api.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
		Bucket:  aws.String(spec.Bucket),
		Prefix:  aws.String(spec.PathPrefix),
		MaxKeys: aws.Int32(1),
	}, func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	if err != nil {
		return classifyConnectionError(spec, err)
	}
	return nil
}

// classifyConnectionError turns the error of the test call into a failure code and a message
// that says what to fix.
func classifyConnectionError(spec *Settings, err error) *plugin.TestConnError {
	where := "the AWS S3 endpoint of region " + spec.Region
	if spec.Endpoint != "" {
		where = "spec.endpoint " + spec.Endpoint
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		switch {
		case code == "NoSuchBucket":
			return plugin.NewTestConnError(CodeBucketNotFound, fmt.Errorf("bucket %s not found at %s: check spec.bucket", spec.Bucket, where))
		case isCredentialsCode(code):
			return plugin.NewTestConnError(CodeInvalidCredentials, fmt.Errorf("%s rejected the credentials (%s): check spec.local_profile or the default AWS credential chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...)", where, code))
		case isWrongRegion(code, err):
			return plugin.NewTestConnError(CodeWrongRegion, fmt.Errorf("bucket %s is not in spec.region %s%s (%s)", spec.Bucket, spec.Region, bucketRegionHint(err), code))
		case code == "AccessDenied" || code == "AllAccessDisabled" || code == "AccountProblem" || httpStatus(err) == http.StatusForbidden:
			return plugin.NewTestConnError(CodeAccessDenied, fmt.Errorf("the credentials may not list bucket %s (%s): grant s3:ListBucket on arn:aws:s3:::%s and s3:GetObject on its objects", spec.Bucket, code, spec.Bucket))
		}
		return plugin.NewTestConnError(CodeUnknown, fmt.Errorf("listing bucket %s at %s: %w", spec.Bucket, where, err))
	}
	if isCredentialsRetrieval(err) {
		return plugin.NewTestConnError(CodeInvalidCredentials, fmt.Errorf("no usable AWS credentials: %w", err))
	}
	if isUnreachable(err) {
		return plugin.NewTestConnError(CodeUnreachable, fmt.Errorf("cannot reach %s: %w", where, unwrapNetError(err)))
	}
	return plugin.NewTestConnError(CodeUnknown, fmt.Errorf("listing bucket %s at %s: %w", spec.Bucket, where, err))
}

func isCredentialsCode(code string) bool {
	switch code {
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "InvalidClientTokenId", "UnrecognizedClientException":
		return true
	}
	return false
}

// isWrongRegion: S3 answers a request signed for the wrong region with a redirect (301
// PermanentRedirect) or AuthorizationHeaderMalformed naming the expected region.
func isWrongRegion(code string, err error) bool {
	switch code {
	case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
		return true
	}
	return httpStatus(err) == http.StatusMovedPermanently
}

func bucketRegionHint(err error) string {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" {
			return ": it is in " + r
		}
	}
	return ""
}

func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func isCredentialsRetrieval(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "failed to retrieve credentials") || strings.Contains(msg, "no EC2 IMDS role found")
}

func isUnreachable(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &opErr) || errors.As(err, &dnsErr) || errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded)
}

// unwrapNetError keeps the network cause (dial tcp 127.0.0.1:1: connect: connection refused)
// without the SDK's operation and retry wrapping around it.
func unwrapNetError(err error) error {
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr
	}
	return err
}
