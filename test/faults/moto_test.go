package faults

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
)

// motoServer is moto_server on a free loopback port, shared by the suite (each test uses
// its own bucket), with an S3 client that talks to it directly, around any proxy.
type motoServer struct {
	url string
	cmd *exec.Cmd
	api *awss3.Client
}

func startMoto(bin string) (*motoServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting moto_server: %w", err)
	}
	m := &motoServer{url: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(m.url)
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			m.stop()
			return nil, fmt.Errorf("moto_server did not answer on %s within 30 s: %v", m.url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.api = awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(m.url),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	return m, nil
}

func (m *motoServer) stop() {
	_ = m.cmd.Process.Kill()
	_ = m.cmd.Wait()
}

var bucketSeq atomic.Int64

// newBucket creates an empty bucket named for the test.
func (m *motoServer) newBucket(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("faults-%d-%d", os.Getpid(), bucketSeq.Add(1))
	if _, err := m.api.CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return name
}

// putAll uploads objects with bounded parallelism.
func (m *motoServer) putAll(t *testing.T, bucket string, objects map[string][]byte) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []string
	sem := make(chan struct{}, 8)
	for key, body := range objects {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := m.put(bucket, key, body); err != nil {
				mu.Lock()
				errs = append(errs, err.Error())
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("upload: %s", strings.Join(errs, "; "))
	}
}

func (m *motoServer) put(bucket, key string, body []byte) error {
	_, err := m.api.PutObject(context.Background(), &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

func (m *motoServer) delete(t *testing.T, bucket, key string) {
	t.Helper()
	if _, err := m.api.DeleteObject(context.Background(), &awss3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		t.Fatalf("delete %s: %v", key, err)
	}
}

// startProxy puts a fault-injecting proxy in front of moto for one test.
func startProxy(t *testing.T) *s3fault.Proxy { return s3fault.StartForTest(t, s3.url) }

func setRules(t *testing.T, p *s3fault.Proxy, rules ...s3fault.Rule) {
	t.Helper()
	if err := p.SetRules(rules...); err != nil {
		t.Fatal(err)
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
