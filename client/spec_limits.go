package client

import (
	"slices"
	"strings"
	"time"

	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
)

// The bounds of the spec's string and duration options: a value past them cannot work (S3
// refuses a prefix longer than a key, a request cannot finish in a nanosecond), so Init refuses
// it at once, naming the option, instead of failing later in a way that names nothing.

// stringLimit is the most bytes of one string option.
type stringLimit struct {
	name  string
	value *string
	max   int
	why   string
}

func (s *Spec) stringLimits() []stringLimit {
	return []stringLimit{
		{"bucket", &s.Bucket, 63, "S3 bucket names have at most 63 characters"},
		{"region", &s.Region, 64, ""},
		{"path_prefix", &s.PathPrefix, 1024, "S3 keys have at most 1,024 bytes"},
		{"filetype", &s.FileType, 64, ""},
		{"schema", &s.Schema, 64, ""},
		{"local_profile", &s.LocalProfile, 256, ""},
		{"endpoint", &s.Endpoint, 2048, ""},
		{"max_backoff", &s.MaxBackoff, maxDurationBytes, ""},
		{"request_timeout", &s.RequestTimeout, maxDurationBytes, ""},
		{"operation_timeout", &s.OperationTimeout, maxDurationBytes, ""},
		{"incremental_lookback", &s.IncrementalLookback, maxDurationBytes, ""},
		{"send_timeout", &s.SendTimeout, maxDurationBytes, ""},
	}
}

// maxDurationBytes is the most bytes of a duration option ("1h30m0.5s" needs far fewer).
const maxDurationBytes = 32

func (s *Spec) validateLengths(add func(format string, args ...any)) {
	for _, l := range s.stringLimits() {
		if len(*l.value) <= l.max {
			continue
		}
		why := ""
		if l.why != "" {
			why = " (" + l.why + ")"
		}
		add("spec.%s must be at most %d bytes%s, got %d bytes", l.name, l.max, why, len(*l.value))
	}
}

// durationOption is a duration option, its parsed value and the least value that can work.
type durationOption struct {
	name   string
	value  string
	parsed *time.Duration
	min    time.Duration
	why    string
}

const defaultSendTimeout = "10m"

// durations are the duration options, each parsed into its field of out.
func (s *Spec) durations(out *Settings) []durationOption {
	return []durationOption{
		{"max_backoff", s.MaxBackoff, &out.MaxBackoff, 10 * time.Millisecond, "shorter waits retry into the same throttling"},
		{"request_timeout", s.RequestTimeout, &out.RequestTimeout, time.Second, "one HTTP attempt must connect, send and get an answer"},
		{"operation_timeout", s.OperationTimeout, &out.OperationTimeout, time.Second, "it must hold at least one attempt"},
		{"incremental_lookback", s.IncrementalLookback, &out.IncrementalLookback, time.Second, "S3's LastModified has one-second resolution"},
		{"send_timeout", s.SendTimeout, &out.SendTimeout, time.Second, "a busy destination can pause reading for that long"},
	}
}

// parseDuration parses a Go duration ("30s", "1m30s") of at least d.min; empty means unset.
func parseDuration(add func(format string, args ...any), d durationOption) time.Duration {
	if d.value == "" || len(d.value) > maxDurationBytes {
		return 0 // unset, or already reported by validateLengths
	}
	v, err := time.ParseDuration(d.value)
	if err != nil || v <= 0 {
		add("spec.%s must be a positive duration such as \"30s\" or \"2m\", got %s", d.name, bounded.Quoted(d.value))
		return 0
	}
	if v < d.min {
		add("spec.%s must be at least %s (%s), got %s", d.name, d.min, d.why, bounded.Quoted(d.value))
		return 0
	}
	return v
}

// choiceOption is a string option limited to a set of values.
type choiceOption struct {
	name    string
	value   string
	allowed []string
}

// choices are the options limited to a set of values: validate checks them, the schema lists
// them as enums.
func (s *Spec) choices() []choiceOption {
	return []choiceOption{
		{"filetype", s.FileType, supportedFileTypes},
		{"schema", s.Schema, schemaModes},
	}
}

func validateChoice(add func(format string, args ...any), c choiceOption) {
	if !slices.Contains(c.allowed, c.value) {
		add("spec.%s %s is not supported (supported: %s)", c.name, bounded.Quoted(c.value), strings.Join(c.allowed, ", "))
	}
}
