// Package s3store is the plugin's S3 layer: an object's identity, ranged reads that verify
// every byte belongs to the listed object, and S3's errors made actionable.
package s3store

import "time"

// Object is one object as the listing found it: every read of it must still match.
type Object struct {
	Key  string
	Size int64
	ETag string // from the listing; every read of the object must still match it

	// LastModified is the listing's (one-second resolution): the incremental cursor's clock.
	LastModified time.Time
}
