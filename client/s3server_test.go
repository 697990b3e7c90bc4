package client

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// testS3 is a real S3-compatible HTTP server on a free loopback port, one per test.
type testS3 struct {
	t        testing.TB
	endpoint string
	api      *s3.Client

	mu   sync.Mutex
	gets []string // Range header of every object GET ("" when absent)
}

func startS3(t testing.TB) *testS3 {
	t.Helper()
	ts := &testS3{t: t}
	fake := gofakes3.New(s3mem.New()).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Count(strings.Trim(r.URL.Path, "/"), "/") >= 1 {
			ts.mu.Lock()
			ts.gets = append(ts.gets, r.Header.Get("Range"))
			ts.mu.Unlock()
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	spec := &Spec{Bucket: "setup", Region: "us-east-1", Endpoint: srv.URL, PathStyle: true}
	spec.SetDefaults()
	settings, err := spec.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	api, _, err := newS3Client(context.Background(), settings)
	if err != nil {
		t.Fatal(err)
	}
	ts.endpoint, ts.api = srv.URL, api
	return ts
}

// objectGets returns the Range headers of the object GETs seen so far, and forgets them.
func (s *testS3) objectGets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	gets := s.gets
	s.gets = nil
	return gets
}

func (s *testS3) createBucket(name string) {
	s.t.Helper()
	if _, err := s.api.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		s.t.Fatalf("create bucket %s: %v", name, err)
	}
}

func (s *testS3) put(bucket, key string, body []byte) {
	s.t.Helper()
	if _, err := s.api.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		s.t.Fatalf("put %s: %v", key, err)
	}
}

func (s *testS3) delete(bucket, key string) {
	s.t.Helper()
	if _, err := s.api.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		s.t.Fatalf("delete %s: %v", key, err)
	}
}

func (s *testS3) specJSON(bucket string, extra string) []byte {
	return []byte(`{"bucket":"` + bucket + `","region":"us-east-1","endpoint":"` + s.endpoint + `","path_style":true` + extra + `}`)
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
