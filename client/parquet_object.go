package client

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// parquetObject is one readable Parquet object found by discovery.
type parquetObject struct {
	Key    string
	Size   int64
	ETag   string // from the listing; every read of the object must still match it
	Schema *arrow.Schema
	// plan is how the sync reads it, derived from its footer (which is not kept).
	plan *readPlan

	// LastModified is the listing's (one-second resolution): the incremental cursor's clock.
	LastModified time.Time
}
