package client

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
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

func newParquetObject(obj types.Object) *parquetObject {
	return &parquetObject{Object: s3store.Object{Key: aws.ToString(obj.Key), Size: aws.ToInt64(obj.Size), ETag: aws.ToString(obj.ETag), LastModified: aws.ToTime(obj.LastModified)}}
}
