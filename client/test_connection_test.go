package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
	"github.com/rs/zerolog"
)

// s3ErrorServer answers every request with one S3 error document.
func s3ErrorServer(t *testing.T, status int, code string, header map[string]string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s from the test server</Message></Error>`, code, code)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedPort is a loopback address that refuses connections for the whole test: a socket bound
// to the port but not listening holds it, so no server started meanwhile can be given it (a
// closed listener's port was, on a busy machine, to the next case's server).
func closedPort(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}

func testConnection(t *testing.T, spec string) error {
	t.Helper()
	return TestConnection(context.Background(), zerolog.Nop(), []byte(spec))
}

func endpointSpec(bucket, endpoint string) string {
	return `{"bucket":"` + bucket + `","region":"eu-west-1","endpoint":"` + endpoint + `","path_style":true}`
}

func TestTestConnectionSucceedsWithOneListCall(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("reachable")
	proxy, spec := behindProxy(t, s3, "reachable", `,"path_prefix":"nothing/here/"`)
	if err := testConnection(t, string(spec)); err != nil {
		t.Fatalf("want success, got %v", err)
	}
	if st := proxy.Stats(); st.Requests != 1 || st.ByOp[s3fault.OpList] != 1 {
		t.Fatalf("want exactly one request, a listing; got %d (by operation: %v)", st.Requests, st.ByOp)
	}
}

func TestTestConnectionFailureCodes(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	cases := []struct {
		name, spec, code, message string
	}{
		{"invalid spec", `{"bucket":"b"}`, CodeInvalidSpec, "spec.region is required"},
		{"unreachable endpoint", endpointSpec("b", closedPort(t)), CodeUnreachable, "cannot reach spec.endpoint http://127.0.0.1:"},
		{"bad credentials", endpointSpec("b", s3ErrorServer(t, 403, "InvalidAccessKeyId", nil)), CodeInvalidCredentials, "rejected the credentials (InvalidAccessKeyId)"},
		{"bad signature", endpointSpec("b", s3ErrorServer(t, 403, "SignatureDoesNotMatch", nil)), CodeInvalidCredentials, "check spec.local_profile or the default AWS credential chain"},
		{"bucket missing", endpointSpec("b", s3ErrorServer(t, 404, "NoSuchBucket", nil)), CodeBucketNotFound, "bucket b not found at spec.endpoint"},
		{"access denied", endpointSpec("b", s3ErrorServer(t, 403, "AccessDenied", nil)), CodeAccessDenied, "grant s3:ListBucket on arn:aws:s3:::b"},
		{"wrong region (redirect)", endpointSpec("b", s3ErrorServer(t, 301, "PermanentRedirect", map[string]string{"X-Amz-Bucket-Region": "us-west-2"})), CodeWrongRegion, "bucket b is not in spec.region eu-west-1: it is in us-west-2"},
		{"wrong region (signature)", endpointSpec("b", s3ErrorServer(t, 400, "AuthorizationHeaderMalformed", nil)), CodeWrongRegion, "is not in spec.region eu-west-1"},
		{"anything else", endpointSpec("b", s3ErrorServer(t, 400, "InvalidRequest", nil)), CodeUnknown, "listing bucket b at spec.endpoint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := testConnection(t, c.spec)
			var tce *plugin.TestConnError
			if !errors.As(err, &tce) {
				t.Fatalf("want a TestConnError, got %v", err)
			}
			if tce.Code != c.code || !strings.Contains(tce.Error(), c.message) {
				t.Fatalf("want %s %q, got %s %q", c.code, c.message, tce.Code, tce.Error())
			}
		})
	}
}

func TestTestConnectionWithoutCredentials(t *testing.T) {
	s3 := startS3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "credentials"))
	err := testConnection(t, string(s3.specJSON("any", "")))
	var tce *plugin.TestConnError
	if !errors.As(err, &tce) || tce.Code != CodeInvalidCredentials || !strings.Contains(tce.Error(), "no usable AWS credentials") {
		t.Fatalf("want %s naming missing credentials, got %v", CodeInvalidCredentials, err)
	}
}

// The CLI initialises sources with NoConnection for `tables` and `migrate`: discovery still runs.
func TestNoConnectionInitDiscoversTables(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("docs")
	s3.Put("docs", "datafile_0.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	s3.Put("docs", "data/2024/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	p := newSDKPlugin(New)
	if err := p.Init(context.Background(), s3.specJSON("docs", ""), plugin.NewClientOptions{NoConnection: true}); err != nil {
		t.Fatal(err)
	}
	tables, err := p.Tables(context.Background(), plugin.TableOptions{Tables: []string{"*"}})
	if err != nil || strings.Join(tableNames(tables), ",") != "data_2024,datafile_0" {
		t.Fatalf("got %v, %v", tableNames(tables), err)
	}
}

func TestNoConnectionInitFailsClearlyWhenDiscoveryCannotRun(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	p := newSDKPlugin(New)
	err := p.Init(context.Background(), []byte(endpointSpec("b", closedPort(t))), plugin.NewClientOptions{NoConnection: true})
	if err == nil || !strings.Contains(err.Error(), "cannot list this source's tables without reading the bucket") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("want a clear error with the cause, got %v", err)
	}
}
