package client

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	defaultFileType         = "parquet"
	defaultRowsPerRecord    = 500
	defaultConcurrency      = 50
	defaultMaxAttempts      = 5
	defaultRequestTimeout   = "30s"
	defaultOperationTimeout = "5m"
	defaultMaxBackoff       = "20s"
	defaultMaxRecordBytes   = 64 << 20
	// defaultIncrementalLookback: how long after its LastModified an object may still appear
	// in listings and be picked up by an incremental sync (README, "Incremental sync").
	defaultIncrementalLookback = "1h"

	// maxConcurrency is the hard cap on objects read at once, and so on open S3 connections
	// (one per object in flight). A negative spec.concurrency means this cap.
	maxConcurrency = 128
	maxMaxAttempts = 20
	minRecordBytes = 1 << 10
	// maxRecordBytes keeps every record safely under the SDK's 100 MiB gRPC message limit,
	// beyond which the SDK drops the message: the IPC framing and schema need a little room.
	maxRecordBytes = 96 << 20
)

var supportedFileTypes = []string{"parquet"}

// Spec is the `spec:` block of a CloudQuery source configuration.
type Spec struct {
	Bucket           string `json:"bucket"`
	Region           string `json:"region"`
	PathPrefix       string `json:"path_prefix"`
	FileType         string `json:"filetype"`
	RowsPerRecord    *int   `json:"rows_per_record"`
	MaxRecordBytes   *int64 `json:"max_record_bytes"`
	Concurrency      *int   `json:"concurrency"`
	LocalProfile     string `json:"local_profile"`
	Endpoint         string `json:"endpoint"`
	PathStyle        bool   `json:"path_style"`
	Strict           bool   `json:"strict"`
	MaxAttempts      *int   `json:"max_attempts"`
	MaxBackoff       string `json:"max_backoff"`
	RequestTimeout   string `json:"request_timeout"`
	OperationTimeout string `json:"operation_timeout"`

	IncrementalLookback string `json:"incremental_lookback"`

	// SendTimeout bounds how long one message may wait for the client to take it (record_sender.go).
	SendTimeout string `json:"send_timeout"`

	// MemoryBudget bounds the bytes of object data and decoding buffers in flight (memory_budget.go).
	MemoryBudget *int64 `json:"memory_budget"`

	// Schema is how a table's columns are found: from every object, or from one (schema_mode.go).
	Schema string `json:"schema"`

	// Parsed durations, set by Validate.
	maxBackoff       time.Duration
	requestTimeout   time.Duration
	operationTimeout time.Duration

	incrementalLookback time.Duration
	sendTimeout         time.Duration
}

// ParseSpec decodes a JSON spec strictly (see decodeSpec), then applies defaults and validates it.
func ParseSpec(data []byte) (*Spec, error) {
	var s Spec
	if err := decodeSpec(data, &s); err != nil {
		return nil, err
	}
	s.SetDefaults()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func (s *Spec) SetDefaults() {
	if s.FileType == "" {
		s.FileType = defaultFileType
	}
	setDefault(&s.RowsPerRecord, defaultRowsPerRecord)
	setDefault(&s.MaxRecordBytes, defaultMaxRecordBytes)
	setDefault(&s.Concurrency, defaultConcurrency)
	setDefault(&s.MaxAttempts, defaultMaxAttempts)
	s.setMemoryDefaults()
	if s.Schema == "" {
		s.Schema = schemaUnion
	}
	for field, def := range map[*string]string{&s.MaxBackoff: defaultMaxBackoff, &s.RequestTimeout: defaultRequestTimeout, &s.OperationTimeout: defaultOperationTimeout, &s.IncrementalLookback: defaultIncrementalLookback, &s.SendTimeout: defaultSendTimeout} {
		if *field == "" {
			*field = def
		}
	}
}

func setDefault[T any](field **T, v T) {
	if *field == nil {
		*field = &v
	}
}

// Validate checks every field and reports all violations, each naming the field and the rule.
func (s *Spec) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	s.validateLengths(add)
	if strings.TrimSpace(s.Bucket) == "" {
		add("spec.bucket is required")
	}
	if strings.TrimSpace(s.Region) == "" {
		add("spec.region is required")
	}
	if !slices.Contains(supportedFileTypes, s.FileType) {
		add("spec.filetype %s is not supported (supported: %s)", quoted(s.FileType), strings.Join(supportedFileTypes, ", "))
	}
	if s.RowsPerRecord != nil && *s.RowsPerRecord < 1 {
		add("spec.rows_per_record must be >= 1, got %d", *s.RowsPerRecord)
	}
	if s.MaxRecordBytes != nil && (*s.MaxRecordBytes < minRecordBytes || *s.MaxRecordBytes > maxRecordBytes) {
		add("spec.max_record_bytes must be from %d to %d (under the SDK's 100 MiB message limit), got %d", minRecordBytes, maxRecordBytes, *s.MaxRecordBytes)
	}
	if s.Concurrency != nil && *s.Concurrency == 0 {
		add("spec.concurrency must not be 0 (use a positive limit, or a negative value for the maximum, %d)", maxConcurrency)
	}
	if s.Concurrency != nil && *s.Concurrency > maxConcurrency {
		add("spec.concurrency must be at most %d (the hard cap on open S3 connections), got %d", maxConcurrency, *s.Concurrency)
	}
	if s.MaxAttempts != nil && (*s.MaxAttempts < 1 || *s.MaxAttempts > maxMaxAttempts) {
		add("spec.max_attempts must be from 1 to %d, got %d", maxMaxAttempts, *s.MaxAttempts)
	}
	s.validateMemory(add)
	s.validateSchemaMode(add)
	for _, d := range s.durations() {
		*d.parsed = parseDuration(add, d)
	}
	if s.requestTimeout > 0 && s.operationTimeout > 0 && s.operationTimeout < s.requestTimeout {
		add("spec.operation_timeout (%s) must not be shorter than spec.request_timeout (%s)", s.OperationTimeout, s.RequestTimeout)
	}
	if s.Endpoint != "" {
		if err := validateEndpoint(s.Endpoint); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// objectConcurrency is how many objects are read at once: the spec's value, capped.
func (s *Spec) objectConcurrency() int {
	if *s.Concurrency < 0 || *s.Concurrency > maxConcurrency {
		return maxConcurrency
	}
	return *s.Concurrency
}

func validateEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("spec.endpoint %s must be an absolute http:// or https:// URL", quoted(endpoint))
	}
	return nil
}
