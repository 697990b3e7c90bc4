// Package bounded keeps the values quoted in errors, and the errors themselves, to a bounded size.
package bounded

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Values in errors come from the spec, the bucket's keys, Parquet footers and S3's answers,
// any of which can be huge: an error must never carry them whole (a gRPC client may not even
// receive a status of ~100 KB). Quoted bounds one value; Error bounds the whole text of
// what Init, Sync and TestConnection return, for the values no message quoted through Quoted.
const (
	// MaxQuotedBytes is the most of one value an error quotes.
	MaxQuotedBytes = 200
	// MaxErrorBytes is the most text of one error the plugin returns.
	MaxErrorBytes = 4 << 10
)

// Quoted is v as a Go string literal, cut after MaxQuotedBytes bytes with its full length.
func Quoted(v string) string {
	cut := Clip(v, MaxQuotedBytes)
	if len(cut) == len(v) {
		return strconv.Quote(v)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(cut), len(v))
}

// Clip is the longest prefix of s of at most n bytes that does not split a UTF-8 character.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// boundedError keeps err for errors.Is and errors.As, with its text cut to MaxErrorBytes.
type boundedError struct {
	err  error
	text string
}

func (e *boundedError) Error() string { return e.text }
func (e *boundedError) Unwrap() error { return e.err }

// Error returns err unchanged if its text is short enough, else the same error with
// its text cut to MaxErrorBytes and its full length stated.
func Error(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if len(text) <= MaxErrorBytes {
		return err
	}
	return &boundedError{err: err, text: fmt.Sprintf("%s… (error text cut: %d bytes)", Clip(text, MaxErrorBytes), len(text))}
}
