package client

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
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
	// in listings and be picked up by an incremental sync (docs/using.md, "Incremental sync").
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

// Spec is the `spec:` block of a CloudQuery source configuration. Its tags generate the JSON
// schema (spec_schema.go); the limits that live in code (spec_limits.go, memory_budget.go) and
// SetDefaults' defaults are added to the schema from the code itself.
type Spec struct {
	Bucket              string `json:"bucket" jsonschema:"required,minLength=1" jsonschema_description:"Name of the S3 bucket to read."`
	Region              string `json:"region" jsonschema:"required,minLength=1" jsonschema_description:"AWS region of the bucket."`
	PathPrefix          string `json:"path_prefix" jsonschema_description:"Only keys under this prefix are listed."`
	FileType            string `json:"filetype" jsonschema_description:"Format of the objects."`
	RowsPerRecord       *int   `json:"rows_per_record" jsonschema:"minimum=1" jsonschema_description:"Maximum rows in one Arrow record sent to the destination."`
	MaxRecordBytes      *int64 `json:"max_record_bytes" jsonschema_description:"Maximum bytes of one Arrow record, and at most a quarter of memory_budget; records are split to stay under it (a single larger row is sent alone if it fits the SDK's message limit)."`
	Concurrency         *int   `json:"concurrency" jsonschema_description:"Objects read in parallel, each over at most one S3 connection; negative means the hard cap (the maximum)."`
	LocalProfile        string `json:"local_profile" jsonschema_description:"Named AWS profile; empty uses the default credential chain."`
	Endpoint            string `json:"endpoint" jsonschema:"pattern=^(https?://.+)?$" jsonschema_description:"Custom S3 endpoint URL (LocalStack, MinIO, moto)."`
	PathStyle           bool   `json:"path_style" jsonschema_description:"Use path-style addressing (needed by most S3 emulators)."`
	Strict              bool   `json:"strict" jsonschema_description:"Fail Init or Sync instead of skipping an object that cannot be read."`
	MaxAttempts         *int   `json:"max_attempts" jsonschema:"minimum=1" jsonschema_description:"Attempts per S3 request (and per resumed body read without progress) before the sync fails."`
	MaxBackoff          string `json:"max_backoff" jsonschema_description:"Longest wait between two attempts (exponential backoff with jitter)."`
	RequestTimeout      string `json:"request_timeout" jsonschema_description:"Deadline of one HTTP attempt: connecting, headers and body."`
	OperationTimeout    string `json:"operation_timeout" jsonschema_description:"Deadline of one S3 operation with all its retries and resumed reads; not shorter than request_timeout."`
	IncrementalLookback string `json:"incremental_lookback" jsonschema_description:"With backend_options: how long after its LastModified an object may still appear in listings and be read by an incremental sync (at least 1s)."`
	SendTimeout         string `json:"send_timeout" jsonschema_description:"Longest wait for the client to take one message; a client that stops reading for longer fails the sync (at least 1s)."`
	MemoryBudget        *int64 `json:"memory_budget" jsonschema_description:"Bytes of object data and decoding buffers held at once by all objects of a sync; reads wait instead of exceeding it. The Go memory limit (GOMEMLIMIT, unless set) is this plus 40 MiB, plus what discovery keeps past 16 MiB."`
	Schema              string `json:"schema" jsonschema_description:"How a table's columns are found: union reads every object's footer at Init and unifies them; sample reads one object's footer per table (its oldest) when the sync starts (none when the state backend's schema manifest has it), declares every column nullable, and checks each other object's footer when the sync reads it, failing the sync on a column that differs. With sample a shard lists the bucket but keeps and reads only its own objects."`
}

// ParseSpec decodes a JSON spec strictly (see decodeSpec), applies defaults, validates it and
// returns the settings it resolves to.
func ParseSpec(data []byte) (*Settings, error) {
	var s Spec
	if err := decodeSpec(data, &s); err != nil {
		return nil, err
	}
	s.SetDefaults()
	return s.Resolve()
}

// Resolve validates a spec whose defaults are set and returns its settings, or every violation.
func (s *Spec) Resolve() (*Settings, error) {
	var out Settings
	if err := s.validate(&out); err != nil {
		return nil, err
	}
	return s.settings(&out), nil
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

// validate checks every field and reports all violations, each naming the field and the rule;
// it parses the durations into out.
func (s *Spec) validate(out *Settings) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	s.validateLengths(add)
	if strings.TrimSpace(s.Bucket) == "" {
		add("spec.bucket is required")
	}
	if strings.TrimSpace(s.Region) == "" {
		add("spec.region is required")
	}
	for _, c := range s.choices() {
		validateChoice(add, c)
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
	for _, d := range s.durations(out) {
		*d.parsed = parseDuration(add, d)
	}
	if out.RequestTimeout > 0 && out.OperationTimeout > 0 && out.OperationTimeout < out.RequestTimeout {
		add("spec.operation_timeout (%s) must not be shorter than spec.request_timeout (%s)", s.OperationTimeout, s.RequestTimeout)
	}
	if s.Endpoint != "" {
		if err := validateEndpoint(s.Endpoint); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func validateEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("spec.endpoint %s must be an absolute http:// or https:// URL", bounded.Quoted(endpoint))
	}
	return nil
}
