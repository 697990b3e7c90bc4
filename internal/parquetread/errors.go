package parquetread

import "errors"

// skippableError is a reason an object cannot be delivered that lies in the object itself:
// its bytes are not a Parquet file this plugin reads, or it was deleted or replaced since it
// was listed. Such an object is skipped with a warning, but only if none of its rows has been
// sent and spec.strict is off; otherwise it fails the sync. Every other error is fatal.
type skippableError struct {
	reason string
	err    error
}

func (e *skippableError) Error() string {
	if e.err == nil {
		return e.reason
	}
	return e.reason + ": " + e.err.Error()
}

func (e *skippableError) Unwrap() error { return e.err }

func skippable(reason string, err error) error { return &skippableError{reason: reason, err: err} }

func isSkippable(err error) bool {
	var s *skippableError
	return errors.As(err, &s)
}
