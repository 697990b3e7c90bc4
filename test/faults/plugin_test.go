package faults

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// plugin is the real plugin binary serving gRPC on a free loopback port.
type plugin struct {
	t      *testing.T
	cmd    *exec.Cmd
	client pb.PluginClient
	conn   *grpc.ClientConn
	exited chan struct{}

	mu   sync.Mutex
	logs bytes.Buffer
}

// startPlugin runs the binary (through `sh -c 'ulimit -n N; exec …'` when nofile > 0) and
// waits until it answers GetName. It is stopped when the test ends.
func startPlugin(t *testing.T, nofile int) *plugin {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := []string{"serve", "--address", addr, "--log-format", "json", "--log-level", "debug", "--no-sentry"}
	cmd := exec.Command(pluginBinary, args...)
	if nofile > 0 {
		cmd = exec.Command("sh", append([]string{"-c", fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, nofile), pluginBinary}, args...)...)
	}
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_EC2_METADATA_DISABLED=true", "CQ_TELEMETRY_LEVEL=none")
	p := &plugin{t: t, cmd: cmd, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &lockedWriter{p}, &lockedWriter{p}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(p.stop)
	p.conn, err = grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(200<<20)))
	if err != nil {
		t.Fatal(err)
	}
	p.client = pb.NewPluginClient(p.conn)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := p.client.GetName(ctx, &pb.GetName_Request{})
		cancel()
		if err == nil {
			return p
		}
		select {
		case <-p.exited:
			t.Fatalf("plugin exited before serving: %s", p.output())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("plugin did not answer GetName within 30 s: %v\n%s", err, p.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type lockedWriter struct{ p *plugin }

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.logs.Write(b)
}

func (p *plugin) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// logLines returns the plugin's JSON log lines with the given message.
func (p *plugin) logLines(message string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(p.output()))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["message"] == message {
			out = append(out, line)
		}
	}
	return out
}

// waitLog waits (up to 30 s, a budget for a busy machine: the output is copied asynchronously)
// until the plugin has logged at least n lines with the given message, and returns them.
func (p *plugin) waitLog(message string, n int) []map[string]any {
	deadline := time.Now().Add(30 * time.Second)
	for {
		lines := p.logLines(message)
		if len(lines) >= n || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (p *plugin) stop() {
	if p.conn != nil {
		_ = p.conn.Close()
	}
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		p.t.Errorf("the plugin did not exit within 10 s of SIGTERM")
	}
	if p.t.Failed() {
		p.t.Logf("plugin output:\n%s", tail(p.output(), 8000))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// spec is the plugin spec for bucket behind endpoint, with test-friendly retry timing
// (max_backoff 200ms) unless extra overrides it.
func spec(bucket, endpoint string, extra map[string]any) map[string]any {
	s := map[string]any{"bucket": bucket, "region": "us-east-1", "endpoint": endpoint, "path_style": true, "max_backoff": "200ms"}
	for k, v := range extra {
		s[k] = v
	}
	if os.Getenv(otherBinaryEnv) != "" {
		for _, k := range []string{"max_backoff", "request_timeout", "max_attempts", "strict"} {
			delete(s, k) // options an older binary does not know
		}
	}
	return s
}

func (p *plugin) init(ctx context.Context, spec map[string]any) error {
	b, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	_, err = p.client.Init(ctx, &pb.Init_Request{Spec: b})
	return err
}

// initEventually retries Init while the plugin still answers "plugin already in use" (the
// previous, cancelled Sync needs a moment to notice): that must end within limit. It
// returns how long the plugin answered "already in use".
func (p *plugin) initEventually(spec map[string]any, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	for {
		tried := time.Now()
		err := p.init(context.Background(), spec)
		if err == nil || !strings.Contains(err.Error(), "already in use") || time.Since(start) > limit {
			return tried.Sub(start), err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncResult is what one Sync sent.
type syncResult struct {
	migrations []string
	records    map[string][]arrow.RecordBatch
	// maxMessage is the largest insert message, in bytes of its Arrow IPC payload.
	maxMessage int
}

func (r *syncResult) rowCount(table string) int64 {
	var n int64
	for _, rec := range r.records[table] {
		n += rec.NumRows()
	}
	return n
}

// sync runs Sync(tables) to its end; onMessage, if set, sees every message as it arrives
// and may stop reading by returning false (the call's context is then cancelled).
func (p *plugin) sync(ctx context.Context, tables []string, onMessage func(*pb.Sync_Response) bool) (*syncResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := p.client.Sync(ctx, &pb.Sync_Request{Tables: tables})
	if err != nil {
		return nil, err
	}
	res := &syncResult{records: map[string][]arrow.RecordBatch{}}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			return res, err
		}
		switch m := msg.Message.(type) {
		case *pb.Sync_Response_MigrateTable:
			sc, err := pb.NewSchemaFromBytes(m.MigrateTable.Table)
			if err != nil {
				return res, err
			}
			name, _ := sc.Metadata().GetValue("cq:table_name")
			res.migrations = append(res.migrations, name)
		case *pb.Sync_Response_Insert:
			rec, err := pb.NewRecordFromBytes(m.Insert.Record)
			if err != nil {
				return res, err
			}
			name, _ := rec.Schema().Metadata().GetValue("cq:table_name")
			res.records[name] = append(res.records[name], rec)
			res.maxMessage = max(res.maxMessage, len(m.Insert.Record))
		}
		if onMessage != nil && !onMessage(msg) {
			cancel()
			return res, context.Canceled
		}
	}
}

// syncAll is sync of every table with a generous deadline.
func (p *plugin) syncAll(t *testing.T) (*syncResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return p.sync(ctx, []string{"*"}, nil)
}
