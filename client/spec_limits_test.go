package client

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
	"github.com/rs/zerolog"
)

// A value past an option's limit fails Init at once, naming the option, and the error quotes
// at most a bounded prefix of it, whatever its size.
func TestSpecRejectsOversizedStrings(t *testing.T) {
	cases := []struct {
		field string
		size  int
		want  string
	}{
		{"path_prefix", 1025, "spec.path_prefix must be at most 1024 bytes (S3 keys have at most 1,024 bytes), got 1025 bytes"},
		{"path_prefix", 10 << 20, "spec.path_prefix must be at most 1024 bytes"},
		{"bucket", 64, "spec.bucket must be at most 63 bytes"},
		{"filetype", 100 << 10, "spec.filetype must be at most 64 bytes"},
		{"region", 100 << 10, "spec.region must be at most 64 bytes"},
		{"local_profile", 100 << 10, "spec.local_profile must be at most 256 bytes"},
		{"endpoint", 100 << 10, "spec.endpoint must be at most 2048 bytes"},
		{"request_timeout", 100 << 10, "spec.request_timeout must be at most 32 bytes"},
	}
	for _, c := range cases {
		t.Run(c.field, func(t *testing.T) {
			value := strings.Repeat("a", c.size)
			if c.field == "endpoint" {
				value = "http://" + value[7:]
			}
			spec := `{"bucket":"b","region":"r","` + c.field + `":"` + value + `"}`
			if c.field == "bucket" || c.field == "region" {
				spec = strings.Replace(spec, `"`+c.field+`":"`+c.field[:1]+`",`, "", 1)
			}
			started := time.Now()
			_, err := ParseSpec([]byte(spec))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q, got %.300v", c.want, err)
			}
			if len(err.Error()) > 2*bounded.MaxQuotedBytes+len(c.want)+200 {
				t.Fatalf("the error is %d bytes long: it echoes the value", len(err.Error()))
			}
			if d := time.Since(started); d > 10*time.Second {
				t.Fatalf("rejecting took %s", d)
			}
		})
	}
}

// Init (New) and TestConnection refuse the same spec without contacting S3 and with a short error.
func TestInitRejectsHugePrefixAtOnce(t *testing.T) {
	spec := []byte(`{"bucket":"b","region":"r","endpoint":"http://127.0.0.1:1","path_style":true,"path_prefix":"` + strings.Repeat("p", 10<<20) + `"}`)
	_, err := New(context.Background(), zerolog.Nop(), spec, plugin.NewClientOptions{})
	if err == nil || !strings.Contains(err.Error(), "spec.path_prefix") || len(err.Error()) > 1024 {
		t.Fatalf("New: want a short error naming spec.path_prefix, got %.300v", err)
	}
	err = TestConnection(context.Background(), zerolog.Nop(), spec)
	var tc *plugin.TestConnError
	if !errors.As(err, &tc) || tc.Code != CodeInvalidSpec || !strings.Contains(err.Error(), "spec.path_prefix") || len(err.Error()) > 1024 {
		t.Fatalf("TestConnection: want INVALID_SPEC naming spec.path_prefix, got %.300v", err)
	}
}

// An unknown field's name and an unsupported value are quoted, cut to a bounded prefix.
func TestSpecErrorsQuoteBoundedPrefixes(t *testing.T) {
	long := strings.Repeat("x", 100<<10)
	for spec, want := range map[string]string{
		`{"bucket":"b","region":"r","` + long + `":1}`:               `invalid spec: unknown field "xxx`,
		`{"bucket":"b","region":"r","filetype":"` + long[:60] + `"}`: `spec.filetype "xxx`,
	} {
		_, err := ParseSpec([]byte(spec))
		if err == nil || !strings.Contains(err.Error(), want) || len(err.Error()) > 1024 {
			t.Errorf("want a short error containing %q, got %.300v", want, err)
		}
	}
}

// Durations too short to work fail Init naming the option and its minimum.
func TestSpecRejectsDurationsBelowTheirMinimum(t *testing.T) {
	for field, want := range map[string]string{
		"request_timeout":      "spec.request_timeout must be at least 1s",
		"operation_timeout":    "spec.operation_timeout must be at least 1s",
		"max_backoff":          "spec.max_backoff must be at least 10ms",
		"incremental_lookback": "spec.incremental_lookback must be at least 1s",
		"send_timeout":         "spec.send_timeout must be at least 1s",
	} {
		_, err := ParseSpec([]byte(`{"bucket":"b","region":"r","` + field + `":"1ns"}`))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `got "1ns"`) {
			t.Errorf("%s: want %q, got %v", field, want, err)
		}
	}
	if _, err := ParseSpec([]byte(`{"bucket":"b","region":"r","request_timeout":"1s","operation_timeout":"1s","max_backoff":"10ms","send_timeout":"1s"}`)); err != nil {
		t.Fatalf("the minimums themselves must pass: %v", err)
	}
}

func TestQuotedAndBoundError(t *testing.T) {
	if got := bounded.Quoted("short"); got != `"short"` {
		t.Errorf("quoted(short) = %s", got)
	}
	long := strings.Repeat("é", 150) // 300 bytes, 2 a character
	got := bounded.Quoted(long)
	if !strings.HasPrefix(got, `"`+strings.Repeat("é", 100)+`"… (300 bytes)`) {
		t.Errorf("quoted(long) = %s", got)
	}
	base := errors.New(strings.Repeat("e", 100<<10))
	err := bounded.Error(base)
	if !errors.Is(err, base) || len(err.Error()) > bounded.MaxErrorBytes+64 || !strings.HasSuffix(err.Error(), "(error text cut: 102400 bytes)") {
		t.Errorf("boundError: %d bytes, %.80s…", len(err.Error()), err)
	}
	if short := errors.New("x"); bounded.Error(short) != short {
		t.Errorf("a short error must stay as it is")
	}
}
