package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

const (
	defaultFileType      = "parquet"
	defaultRowsPerRecord = 500
	defaultConcurrency   = 50
)

var supportedFileTypes = []string{"parquet"}

// Spec is the `spec:` block of a CloudQuery source configuration.
type Spec struct {
	Bucket        string `json:"bucket"`
	Region        string `json:"region"`
	PathPrefix    string `json:"path_prefix"`
	FileType      string `json:"filetype"`
	RowsPerRecord *int   `json:"rows_per_record"`
	Concurrency   *int   `json:"concurrency"`
	LocalProfile  string `json:"local_profile"`
	Endpoint      string `json:"endpoint"`
	PathStyle     bool   `json:"path_style"`
}

// ParseSpec decodes a JSON spec, rejecting unknown fields, then applies defaults and validates it.
func ParseSpec(data []byte) (*Spec, error) {
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("invalid spec: %w", err)
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
	if s.RowsPerRecord == nil {
		v := defaultRowsPerRecord
		s.RowsPerRecord = &v
	}
	if s.Concurrency == nil {
		v := defaultConcurrency
		s.Concurrency = &v
	}
}

// Validate checks every field and reports all violations, each naming the field and the rule.
func (s *Spec) Validate() error {
	var errs []error
	if strings.TrimSpace(s.Bucket) == "" {
		errs = append(errs, errors.New("spec.bucket is required"))
	}
	if strings.TrimSpace(s.Region) == "" {
		errs = append(errs, errors.New("spec.region is required"))
	}
	if !slices.Contains(supportedFileTypes, s.FileType) {
		errs = append(errs, fmt.Errorf("spec.filetype %q is not supported (supported: %s)", s.FileType, strings.Join(supportedFileTypes, ", ")))
	}
	if s.RowsPerRecord != nil && *s.RowsPerRecord < 1 {
		errs = append(errs, fmt.Errorf("spec.rows_per_record must be >= 1, got %d", *s.RowsPerRecord))
	}
	if s.Concurrency != nil && *s.Concurrency == 0 {
		errs = append(errs, errors.New("spec.concurrency must not be 0 (use a positive limit, or a negative value for unlimited)"))
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
		return fmt.Errorf("spec.endpoint %q must be an absolute http:// or https:// URL", endpoint)
	}
	return nil
}
