package client

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/fakes3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// testS3 is a fake S3 for one test (internal/testkit/fakes3) and the specs that point at it.
type testS3 struct{ *fakes3.Server }

func startS3(t testing.TB) *testS3 { return &testS3{fakes3.Start(t)} }

func (s *testS3) specJSON(bucket string, extra string) []byte {
	return []byte(`{"bucket":"` + bucket + `","region":"us-east-1","endpoint":"` + s.Endpoint + `","path_style":true` + extra + `}`)
}

// writeParquet encodes rec as a Parquet file whose row groups hold at most rowGroupRows rows.
func writeParquet(t *testing.T, rec arrow.RecordBatch, rowGroupRows int64) []byte {
	t.Helper()
	return encodeParquet(t, rec, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(rowGroupRows)), nil)
}

// encodeParquet writes rec with props; a non-nil hint is stored as the file's Arrow schema.
func encodeParquet(t *testing.T, rec arrow.RecordBatch, props *parquet.WriterProperties, hint *arrow.Schema) []byte {
	t.Helper()
	var keyValues map[string]string
	if hint != nil {
		keyValues = map[string]string{arrowschema.HintsKey: arrowschema.EncodeHints(hint)}
	}
	data, err := parquetgen.Encode(rec, props, keyValues)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
