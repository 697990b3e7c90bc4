package client

import (
	"strings"
	"testing"
)

func TestParseSpecDefaults(t *testing.T) {
	s, err := ParseSpec([]byte(`{"bucket":"b","region":"eu-west-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.FileType != "parquet" || *s.RowsPerRecord != 500 || *s.Concurrency != 50 || s.PathPrefix != "" || s.PathStyle || s.Endpoint != "" || s.LocalProfile != "" {
		t.Fatalf("unexpected defaults: %+v", s)
	}
}

func TestParseSpecKeepsNegativeConcurrency(t *testing.T) {
	s, err := ParseSpec([]byte(`{"bucket":"b","region":"r","concurrency":-1}`))
	if err != nil || *s.Concurrency != -1 {
		t.Fatalf("negative concurrency must mean unlimited, got %v %v", s, err)
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
		{"unknown field", `{"bucket":"b","region":"r","prefix":"x"}`, `unknown field "prefix"`},
		{"wrong type", `{"bucket":"b","region":"r","rows_per_record":"many"}`, "rows_per_record"},
		{"not json", `bucket: b`, "invalid spec"},
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
