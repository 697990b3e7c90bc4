package parquetread

import (
	"testing"

	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

func TestRecordBytesCountsOnlyTheSlice(t *testing.T) {
	rec := parquetgen.Record(parquetgen.Rows(0, 1000))
	defer rec.Release()
	whole := RecordBytes(rec)
	half := rec.NewSlice(0, 500)
	defer half.Release()
	if got := RecordBytes(half); got < whole*4/10 || got > whole*6/10 {
		t.Fatalf("a 500-row slice counts %d bytes of the 1000-row record's %d", got, whole)
	}
}
