package client

import "fmt"

// noConnectionError explains why `cloudquery tables` or `cloudquery migrate` (which initialise
// the source with NoConnection) failed: the tables are discovered from the bucket, so these
// commands need the same S3 access as a sync, and without it there is no honest empty answer.
func noConnectionError(err error) error {
	return fmt.Errorf("cannot list this source's tables without reading the bucket (they are discovered from its objects, even for `cloudquery tables` and `migrate`): %w", err)
}
