// Package fakes3 is a real S3-compatible HTTP server (gofakes3, in memory) on a free loopback
// port, one per test, for the tests of the S3 layer and of the plugin.
package fakes3

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Server is the running server, with a client to set up its buckets and objects.
type Server struct {
	t        testing.TB
	Endpoint string
	API      *s3.Client

	mu   sync.Mutex
	gets []string // Range header of every object GET ("" when absent)
}

// Start serves an empty S3 until the test ends, with test credentials in the environment.
func Start(t testing.TB) *Server {
	t.Helper()
	ts := &Server{t: t}
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
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	ts.Endpoint = srv.URL
	ts.API = s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.UsePathStyle = true
	})
	return ts
}

// ObjectGets returns the Range headers of the object GETs seen so far, and forgets them.
func (s *Server) ObjectGets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	gets := s.gets
	s.gets = nil
	return gets
}

func (s *Server) CreateBucket(name string) {
	s.t.Helper()
	if _, err := s.API.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		s.t.Fatalf("create bucket %s: %v", name, err)
	}
}

func (s *Server) Put(bucket, key string, body []byte) {
	s.t.Helper()
	if _, err := s.API.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		s.t.Fatalf("put %s: %v", key, err)
	}
}

func (s *Server) Delete(bucket, key string) {
	s.t.Helper()
	if _, err := s.API.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		s.t.Fatalf("delete %s: %v", key, err)
	}
}
