package client

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cq-source-s3/cq-source-s3/internal/parquetread"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
)

// parquetObject is one readable Parquet object found by discovery.
type parquetObject struct {
	s3store.Object
	Schema *arrow.Schema // nil once the tables are built, except a table's Sample's
	// plan is how the sync reads it, derived from its footer (which is not kept).
	plan *parquetread.Plan
}
