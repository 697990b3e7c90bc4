package parquetread

import "errors"

// SkippableError is a reason an object cannot be delivered that lies in the object itself:
// its bytes are not a Parquet file this plugin reads, or it was deleted or replaced since it
// was listed. Such an object is skipped with a warning, but only if none of its rows has been
// sent and spec.strict is off; otherwise it fails the sync. Every other error is fatal.
type SkippableError struct {
	Reason string
	err    error
}

func (e *SkippableError) Error() string {
	if e.err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.err.Error()
}

func (e *SkippableError) Unwrap() error { return e.err }

// Skippable is a content error: reason says in a few words why the object cannot be delivered.
func Skippable(reason string, err error) error { return &SkippableError{Reason: reason, err: err} }

// IsSkippable tells whether err is a content error (a *SkippableError).
func IsSkippable(err error) bool {
	var s *SkippableError
	return errors.As(err, &s)
}
