package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

func newS3Client(ctx context.Context, spec *Spec) (*s3.Client, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(spec.Region)}
	if spec.LocalProfile != "" {
		opts = append(opts, config.WithSharedConfigProfile(spec.LocalProfile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		// The SDK's message names the profile or file, never secret values.
		return nil, fmt.Errorf("loading AWS configuration (spec.local_profile=%q): %w", spec.LocalProfile, err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if spec.Endpoint != "" {
			o.BaseEndpoint = aws.String(spec.Endpoint)
		}
		o.UsePathStyle = spec.PathStyle
		// Ranged GETs carry no whole-object checksum; validating "when supported" only logs noise.
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}), nil
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
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return true
		}
	}
	return false
}
