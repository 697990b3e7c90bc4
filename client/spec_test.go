package client

import (
	"strings"
	"testing"
	"time"
)

func TestParseSpecDefaults(t *testing.T) {
	s, err := ParseSpec([]byte(`{"bucket":"b","region":"eu-west-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.FileType != "parquet" || s.RowsPerRecord != 500 || s.Concurrency != 50 || s.PathPrefix != "" || s.PathStyle || s.Endpoint != "" || s.LocalProfile != "" {
		t.Fatalf("unexpected defaults: %+v", s)
	}
	// max_record_bytes: its 64 MiB default, capped at a quarter of the default 128 MiB budget.
	if s.Strict || s.MaxAttempts != 5 || s.MaxRecordBytes != 32<<20 || s.MaxBackoff != 20*time.Second || s.RequestTimeout != 30*time.Second || s.OperationTimeout != 5*time.Minute {
		t.Fatalf("unexpected fault-handling defaults: %+v", s)
	}
}

func TestParseSpecKeepsNegativeConcurrency(t *testing.T) {
	s, err := ParseSpec([]byte(`{"bucket":"b","region":"r","concurrency":-1}`))
	if err != nil || s.Concurrency != maxConcurrency {
		t.Fatalf("negative concurrency must mean the hard cap, got %v %v", s, err)
	}
}

func TestParseSpecRejects(t *testing.T) {
	cases := []struct {
		name, spec, want string
	}{
		{"missing bucket", `{"region":"r"}`, "spec.bucket is required"},
		{"blank bucket", `{"bucket":"  ","region":"r"}`, "spec.bucket is required"},
		{"missing region", `{"bucket":"b"}`, "spec.region is required"},
		{"unsupported filetype", `{"bucket":"b","region":"r","filetype":"csv"}`, `spec.filetype "csv" is not supported (supported: parquet)`},
		{"rows_per_record zero", `{"bucket":"b","region":"r","rows_per_record":0}`, "spec.rows_per_record must be >= 1, got 0"},
		{"rows_per_record negative", `{"bucket":"b","region":"r","rows_per_record":-5}`, "spec.rows_per_record must be >= 1, got -5"},
		{"concurrency zero", `{"bucket":"b","region":"r","concurrency":0}`, "spec.concurrency must not be 0"},
		{"endpoint without scheme", `{"bucket":"b","region":"r","endpoint":"localhost:4566"}`, `spec.endpoint "localhost:4566" must be an absolute http:// or https:// URL`},
		{"endpoint ftp", `{"bucket":"b","region":"r","endpoint":"ftp://x"}`, "spec.endpoint"},
		{"endpoint no host", `{"bucket":"b","region":"r","endpoint":"http://"}`, "spec.endpoint"},
		{"concurrency over the cap", `{"bucket":"b","region":"r","concurrency":129}`, "spec.concurrency must be at most 128"},
		{"unknown field", `{"bucket":"b","region":"r","prefix":"x"}`, `invalid spec: unknown field "prefix"`},
		{"wrong type", `{"bucket":"b","region":"r","rows_per_record":"many"}`, "invalid spec: spec.rows_per_record must be an integer, got string"},
		{"fraction for an integer", `{"bucket":"b","region":"r","max_attempts":1.5}`, "spec.max_attempts must be an integer, got number 1.5"},
		{"number for a string", `{"bucket":5,"region":"r"}`, "spec.bucket must be a string, got number"},
		{"string for a boolean", `{"bucket":"b","region":"r","strict":"yes"}`, "spec.strict must be a boolean (true or false), got string"},
		{"trailing data", `{"bucket":"b","region":"r"} x`, "invalid spec: unexpected data after the spec object"},
		{"second object", `{"bucket":"b","region":"r"}{}`, "unexpected data after the spec object"},
		{"duplicate key", `{"bucket":"a","region":"r","bucket":"b"}`, "invalid spec: duplicate field spec.bucket"},
		{"field name in another case", `{"BUCKET":"a","region":"r"}`, `invalid spec: unknown field "BUCKET" (field names are case-sensitive: did you mean "bucket"?)`},
		{"duplicate in another case", `{"bucket":"a","region":"r","Bucket":"b"}`, `unknown field "Bucket" (field names are case-sensitive: did you mean "bucket"?)`},
		{"unknown field, no near name", `{"bucket":"a","region":"r","buckets":"b"}`, `invalid spec: unknown field "buckets"`},
		{"not an object", `["b"]`, "invalid spec: expected a JSON object, got array"},
		{"empty", ` `, "invalid spec: empty, expected a JSON object"},
		{"unterminated", `{"bucket":"b"`, "invalid spec: the JSON object is not terminated"},
		{"not json", `bucket: b`, "invalid spec: not valid JSON at offset 1"},
		{"max_attempts zero", `{"bucket":"b","region":"r","max_attempts":0}`, "spec.max_attempts must be from 1 to 20, got 0"},
		{"max_record_bytes too small", `{"bucket":"b","region":"r","max_record_bytes":10}`, "spec.max_record_bytes must be from 1024 to 100663296"},
		{"max_record_bytes over the SDK limit", `{"bucket":"b","region":"r","max_record_bytes":104857600}`, "spec.max_record_bytes must be from"},
		{"duration without unit", `{"bucket":"b","region":"r","request_timeout":"30"}`, `spec.request_timeout must be a positive duration such as "30s" or "2m", got "30"`},
		{"zero duration", `{"bucket":"b","region":"r","max_backoff":"0s"}`, "spec.max_backoff must be a positive duration"},
		{"operation shorter than attempt", `{"bucket":"b","region":"r","request_timeout":"1m","operation_timeout":"30s"}`, "spec.operation_timeout (30s) must not be shorter than spec.request_timeout (1m)"},
		{"lookback under S3's resolution", `{"bucket":"b","region":"r","incremental_lookback":"500ms"}`, "spec.incremental_lookback must be at least 1s"},
		{"lookback not a duration", `{"bucket":"b","region":"r","incremental_lookback":"1 hour"}`, "spec.incremental_lookback must be a positive duration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseSpec([]byte(c.spec))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want error containing %q, got %v", c.want, err)
			}
		})
	}
}

func TestParseSpecReportsEveryViolation(t *testing.T) {
	_, err := ParseSpec([]byte(`{"concurrency":0}`))
	for _, want := range []string{"spec.bucket", "spec.region", "spec.concurrency"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %s in %v", want, err)
		}
	}
}
