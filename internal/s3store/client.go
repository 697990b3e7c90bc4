package s3store

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ClientOptions are the spec's settings an S3 client is built from.
type ClientOptions struct {
	Region, LocalProfile, Endpoint string
	PathStyle                      bool
	MaxAttempts                    int
	MaxBackoff, RequestTimeout     time.Duration
	// MaxConns caps the open connections, whatever spec.concurrency says.
	MaxConns int
}

// NewClient builds the only S3 client the plugin uses. Every attempt has a deadline
// (spec.request_timeout, covering connect, headers and body); failed attempts are retried
// by the SDK's standard retryer (throttling, 5xx, resets, timeouts) with exponential backoff
// and jitter, at most spec.max_attempts times. The retryer's shared retry quota is off: each
// operation gets its attempts, so one burst of throttling cannot fail unrelated reads.
func NewClient(ctx context.Context, spec ClientOptions) (*s3.Client, aws.Retryer, error) {
	retryer := retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = spec.MaxAttempts
		o.MaxBackoff = spec.MaxBackoff
		o.RateLimiter = ratelimit.None
	})
	httpClient := awshttp.NewBuildableClient().
		WithTimeout(spec.RequestTimeout).
		WithTransportOptions(func(t *http.Transport) {
			t.MaxConnsPerHost = spec.MaxConns
			t.MaxIdleConnsPerHost = spec.MaxConns
		})
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(spec.Region),
		config.WithHTTPClient(httpClient),
		config.WithRetryer(func() aws.Retryer { return retryer }),
	}
	if spec.LocalProfile != "" {
		opts = append(opts, config.WithSharedConfigProfile(spec.LocalProfile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		// The SDK's message names the profile or file, never secret values.
		return nil, nil, fmt.Errorf("loading AWS configuration (spec.local_profile=%q): %w", spec.LocalProfile, err)
	}
	api := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if spec.Endpoint != "" {
			o.BaseEndpoint = aws.String(spec.Endpoint)
		}
		o.UsePathStyle = spec.PathStyle
		// Ranged GETs carry no whole-object checksum; validating "when supported" only logs noise.
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		// Whole-object reads ask for checksums (ranged_get.go); most objects have none: no log line each.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	return api, retryer, nil
}
