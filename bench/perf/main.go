// Command perf is the performance benchmark of issue #14 (`npx projen bench:perf`; BENCHMARKS.md,
// "Memory, requests and throughput"). It is a Go program under bench/, like bench/shardsim, which
// the image's build context leaves out. On one machine, in one run,
// against one S3 server (versitygw, POSIX backend, on loopback, behind the s3fault proxy that
// counts requests and bytes), it measures
//
//   - the plugin built from the work tree ("after") and from BEFORE_REF ("before"): a fresh
//     process per run, start → first GetName (readiness), Init + Sync over gRPC to this
//     program, which only counts rows (from each insert's record batch headers, ipc_rows.go);
//     plugin CPU (and its system part) and peak RSS from /proc; GETs and bytes; and the CPU
//     this program (client and proxy) and the S3 server spent meanwhile on the same cores;
//   - pyarrow's dataset scanner over the same objects through its S3 filesystem, and over the
//     same files on local disk (bench/arrow_read.py);
//   - arrow-go's Parquet reader, the plugin's, over the same files on local disk, decoding only
//     and decoding plus the SDK's serialisation of every insert (arrowgoread/): the part of the
//     plugin's CPU that no plugin built on arrow-go and the SDK can avoid;
//
// runs interleaved, and prints Markdown tables of medians with the same-run ratios.
//
//	go run ./bench/perf                       # everything (npx projen bench:setup first)
//	RUNS=5 SETS=wide5,wide30 SCALING= go run ./bench/perf
//	SETS= SCALING=rows100000,objects10 go run ./bench/perf
//	SPEC_EXTRA='{"rows_per_record":10000}' PLUGIN_ENV=GODEBUG=gctrace=1 PLUGIN_LOG=/tmp/p.log go run ./bench/perf
//	READERS=after,arrow-s3 SETS=wide5 SCALING= go run ./bench/perf   # only some readers
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"
)

// dataset is one bucket of bench/arrow_read.py's datasets: one table under prefix.
type dataset struct {
	bucket, prefix string
	objects        int
	rows           int64
}

var datasets = map[string]dataset{
	"wide5":  {"wide5", "events/", 50, 50 * 200_000},
	"wide30": {"wide30", "metrics/", 10, 10 * 100_000},
	"small":  {"small", "tiny/", 2_000, 2_000 * 100},
	"bomb":   {"bomb", "blobs/", 16, 16 * 450},
	"large":  {"large", "events/", 1, 5_000_000},
}

func init() {
	for _, n := range []int64{1e5, 1e6, 1e7, 1e8} {
		datasets[fmt.Sprintf("rows%d", n)] = dataset{fmt.Sprintf("rows%d", n), "events/", int(n / 100_000), n}
	}
	for _, n := range []int{10, 100, 1_000, 10_000} {
		datasets[fmt.Sprintf("objects%d", n)] = dataset{fmt.Sprintf("objects%d", n), "events/", n, int64(n) * 100}
	}
}

// env is the variable's value, or def when it is not set (set and empty means empty).
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func main() {
	// This process receives every insert (a fresh buffer per message) and proxies every GET on
	// the cores the plugin is measured on; with the default GOGC its garbage collector and page
	// faults cost it 0.4 s more CPU per wide5 run. Its own memory is not measured.
	debug.SetGCPercent(400)
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/perf:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	runs, _ := strconv.Atoi(env("RUNS", "3"))
	readers := strings.Split(env("READERS", "before,after,arrow-s3,arrow-local,arrowgo-local,arrowgo-ipc-local"), ",")
	sets := strings.Split(env("SETS", "wide5,wide30,small,bomb,large"), ",")
	scaling := strings.Split(env("SCALING", "rows100000,rows1000000,rows10000000,rows100000000,objects10,objects100,objects1000,objects10000"), ",")
	data := env("DATA", filepath.Join(os.TempDir(), "cqbench-data"))
	python := filepath.Join(root, ".venv", "bin", "python")
	if out, err := exec.Command(python, filepath.Join(root, "bench", "arrow_read.py"), "generate", data).CombinedOutput(); err != nil {
		return fmt.Errorf("generating the datasets (pyarrow in .venv: npx projen bench:setup): %v\n%s", err, out)
	}
	work, err := os.MkdirTemp("", "cqbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bins, err := buildPlugins(root, work, env("BEFORE_REF", "main"))
	if err != nil {
		return err
	}
	if slices.ContainsFunc(readers, func(r string) bool { return strings.HasPrefix(r, "arrowgo-") }) {
		ref := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(work, "arrowgoread"), "./bench/perf/arrowgoread")
		ref.Dir = root
		if out, err := ref.CombinedOutput(); err != nil {
			return fmt.Errorf("building bench/perf/arrowgoread: %v\n%s", err, out)
		}
	}
	gw, err := startVersity(filepath.Join(root, ".tools", "bin", "versitygw"), data)
	if err != nil {
		return err
	}
	defer gw.stop()
	proxy, err := s3fault.New(gw.url)
	if err != nil {
		return err
	}
	if err := proxy.Start("127.0.0.1:0"); err != nil {
		return err
	}
	defer proxy.Close()
	b := &bench{proxy: proxy, server: gw.cmd.Process.Pid, python: python, script: filepath.Join(root, "bench", "arrow_read.py"), data: data,
		arrowgo: filepath.Join(work, "arrowgoread")}
	machine()
	fmt.Printf("before: %s; after: the work tree; %d interleaved runs; S3: versitygw %s (POSIX) behind the s3fault proxy\n\n", bins["before"].ref, runs, gw.version)

	var readiness = map[string][]float64{}
	var comparison [][]string
	for _, name := range sets {
		ds, ok := datasets[name]
		if name == "" || !ok {
			continue
		}
		res := map[string][]result{}
		for i := range runs {
			order := slices.Clone(readers)
			if i%2 == 1 {
				slices.Reverse(order)
			}
			for _, who := range order {
				r, err := b.measure(who, bins, ds)
				if err != nil {
					return fmt.Errorf("%s on %s: %w", who, name, err)
				}
				res[who] = append(res[who], r)
				if r.readiness > 0 {
					readiness[who] = append(readiness[who], r.readiness)
				}
				fmt.Fprintf(os.Stderr, "%s %s run %d: %s\n", name, who, i+1, r)
			}
		}
		comparison = append(comparison, b.compareRows(name, ds, res)...)
	}
	if len(comparison) > 0 {
		printComparison(comparison)
	}
	var scaled [][]string
	for _, name := range scaling {
		ds, ok := datasets[name]
		if name == "" || !ok {
			continue
		}
		n := runs
		if ds.rows >= 1e8 || ds.objects >= 10_000 {
			n = 1 // minutes per run
		}
		var rs []result
		for range n {
			r, err := b.measure("after", bins, ds)
			if err != nil {
				return fmt.Errorf("after on %s: %w", name, err)
			}
			readiness["after"] = append(readiness["after"], r.readiness)
			fmt.Fprintf(os.Stderr, "%s after: %s\n", name, r)
			rs = append(rs, r)
		}
		scaled = append(scaled, scalingRow(name, ds, rs))
	}
	if len(scaled) > 0 {
		printScaling(scaled)
	}
	fmt.Printf("\n| binary | readiness, start → first GetName (median of %d, %d starts) | size (bytes) |\n|---|---:|---:|\n", len(readiness["before"]), len(readiness["after"]))
	for _, who := range []string{"before", "after"} {
		fi, err := os.Stat(bins[who].path)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %.1f ms | %d |\n", who, median(readiness[who]), fi.Size())
	}
	return nil
}

func repoRoot() (string, error) {
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", fmt.Errorf("finding the repository: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func machine() {
	cpu, _ := os.ReadFile("/proc/cpuinfo")
	model := ""
	for _, line := range strings.Split(string(cpu), "\n") {
		if strings.HasPrefix(line, "model name") {
			model = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
			break
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("machine: %d CPUs (%s), load average at start %s\n", countCPUs(), model, strings.Join(strings.Fields(string(load))[:3], " "))
}

func countCPUs() int {
	out, _ := exec.Command("nproc").Output()
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

// binary is a plugin build.
type binary struct{ path, ref string }

// buildPlugins builds the work tree and BEFORE_REF with the Dockerfile's flags.
func buildPlugins(root, work, beforeRef string) (map[string]binary, error) {
	src := filepath.Join(work, "before-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return nil, err
	}
	commit, err := exec.Command("git", "-C", root, "rev-parse", "--short", beforeRef).Output()
	if err != nil {
		return nil, fmt.Errorf("BEFORE_REF %q: %w", beforeRef, err)
	}
	archive := exec.Command("sh", "-c", fmt.Sprintf("git -C %q archive %q | tar -x -C %q", root, beforeRef, src))
	if out, err := archive.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("git archive %s: %v\n%s", beforeRef, err, out)
	}
	bins := map[string]binary{
		"before": {filepath.Join(work, "before"), fmt.Sprintf("%s (%s)", beforeRef, strings.TrimSpace(string(commit)))},
		"after":  {filepath.Join(work, "after"), "work tree"},
	}
	for who, dir := range map[string]string{"before": src, "after": root} {
		build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-tags", "grpcnotrace", "-ldflags", "-s -w", "-o", bins[who].path, ".")
		build.Dir, build.Env = dir, append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building %s: %v\n%s", who, err, out)
		}
	}
	return bins, nil
}

type gateway struct {
	url, version string
	cmd          *exec.Cmd
}

func (g *gateway) stop() { _ = g.cmd.Process.Kill(); _ = g.cmd.Wait() }

// startVersity serves data's directories as buckets (files placed there have no stored ETag:
// they all get the default one, which every GET's If-Match then carries).
func startVersity(bin, data string) (*gateway, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s is missing: run \"npx projen bench:setup\"", bin)
	}
	version, _ := exec.Command(bin, "--version").Output()
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(bin, "--port", addr, "--access", "test", "--secret", "test", "--keep-alive", "--quiet",
		"posix", "--nometa", "--default-etag", "bench-etag", data)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	g := &gateway{url: "http://" + addr, version: strings.TrimSpace(strings.SplitN(string(version), "\n", 2)[0]), cmd: cmd}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return g, nil
		}
	}
	g.stop()
	return nil, errors.New("versitygw did not start listening within 15 s")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type bench struct {
	proxy          *s3fault.Proxy
	server         int // the S3 server's process
	python, script string
	data           string
	arrowgo        string // the arrowgoread binary
}

// result is one measured run.
type result struct {
	seconds, initSeconds, syncSeconds float64
	cpu, initCPU, syncCPU             float64 // plugin (or pyarrow) CPU seconds
	sysCPU                            float64 // of which system (kernel) seconds, plugin only
	// driverCPU is this process's (the gRPC client counting rows, and the proxy every GET
	// goes through) and serverCPU the S3 server's, during the run: they share the cores.
	driverCPU, serverCPU float64
	rssMiB               float64
	readiness            float64 // ms, plugin only
	rows                 int64
	initGets, syncGets   int
	syncBytes            int64
	insertBytes          int64 // serialised insert records received
	inserts              int
}

func (r result) String() string {
	return fmt.Sprintf("%.2f s (Init %.2f, Sync %.2f), %d rows, CPU %.2f s (system %.2f), driver %.2f s, S3 server %.2f s, RSS %.0f MiB, GETs %d+%d, %d bytes at Sync, %d inserts of %d bytes",
		r.seconds, r.initSeconds, r.syncSeconds, r.rows, r.cpu, r.sysCPU, r.driverCPU, r.serverCPU, r.rssMiB, r.initGets, r.syncGets, r.syncBytes, r.inserts, r.insertBytes)
}

func (b *bench) measure(who string, bins map[string]binary, ds dataset) (r result, err error) {
	driver0, server0 := cpuSeconds(os.Getpid()), cpuSeconds(b.server)
	defer func() { r.driverCPU, r.serverCPU = cpuSeconds(os.Getpid())-driver0, cpuSeconds(b.server)-server0 }()
	switch who {
	case "arrow-s3":
		return b.arrow(ds, "s3", b.proxy.URL())
	case "arrow-local":
		return b.arrow(ds, "local", b.data)
	case "arrowgo-local", "arrowgo-ipc-local":
		mode := map[string]string{"arrowgo-local": "decode", "arrowgo-ipc-local": "ipc"}[who]
		return b.reference(ds, "arrowgoread", exec.Command(b.arrowgo, mode, filepath.Join(b.data, ds.bucket, ds.prefix)))
	}
	return b.plugin(bins[who].path, ds)
}

func (b *bench) arrow(ds dataset, where, at string) (result, error) {
	return b.reference(ds, "arrow_read.py", exec.Command(b.python, b.script, "read", where, at, ds.bucket, ds.prefix))
}

// reference runs one reference reader, which prints rows, seconds, CPU and peak RSS as JSON.
func (b *bench) reference(ds dataset, name string, cmd *exec.Cmd) (result, error) {
	b.proxy.ResetStats()
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return result{}, fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		return result{}, err
	}
	var r struct {
		Rows    int64   `json:"rows"`
		Seconds float64 `json:"seconds"`
		CPU     float64 `json:"cpu"`
		RSS     float64 `json:"rss_mib"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return result{}, fmt.Errorf("%s said %q: %w", name, out, err)
	}
	if r.Rows != ds.rows {
		return result{}, fmt.Errorf("%s read %d rows, want %d", name, r.Rows, ds.rows)
	}
	st := b.proxy.Stats()
	return result{seconds: r.Seconds, syncSeconds: r.Seconds, cpu: r.CPU, rssMiB: r.RSS, rows: r.Rows, syncGets: st.ByOp[s3fault.OpGet], syncBytes: st.Bytes}, nil
}

// plugin runs one fresh plugin process: readiness, Init, Sync, then its CPU and peak RSS.
func (b *bench) plugin(bin string, ds dataset) (res result, err error) {
	port, err := freePort()
	if err != nil {
		return res, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(bin, "serve", "--address", addr, "--log-level", "warn", "--log-format", "json", "--no-sentry")
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(e string) bool { return strings.HasPrefix(e, "GOMEMLIMIT=") || strings.HasPrefix(e, "GOGC=") }),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_EC2_METADATA_DISABLED=true")
	if extra := os.Getenv("PLUGIN_ENV"); extra != "" { // experiments: e.g. PLUGIN_ENV=GOMEMLIMIT=off
		cmd.Env = append(cmd.Env, strings.Fields(extra)...)
	}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if f := os.Getenv("PLUGIN_LOG"); f != "" { // experiments: keep the plugin's output
			_ = os.WriteFile(f, logs.Bytes(), 0o644)
		}
	}()
	// Reconnect quickly while the process starts (gRPC's default backoff starts at 1 s).
	fast := grpc.ConnectParams{Backoff: backoff.Config{BaseDelay: 2 * time.Millisecond, Multiplier: 1.2, MaxDelay: 10 * time.Millisecond}, MinConnectTimeout: time.Second}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithConnectParams(fast),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(200<<20)))
	if err != nil {
		return res, err
	}
	defer conn.Close()
	client := pb.NewPluginClient(conn)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := client.GetName(ctx, &pb.GetName_Request{})
		cancel()
		if err == nil {
			break
		}
		if time.Since(started) > 15*time.Second {
			return res, fmt.Errorf("no GetName answer within 15 s: %v\n%s", err, logs.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	res.readiness = float64(time.Since(started).Microseconds()) / 1000
	pid := cmd.Process.Pid
	opts := map[string]any{"bucket": ds.bucket, "region": "us-east-1", "endpoint": b.proxy.URL(), "path_style": true, "path_prefix": ds.prefix}
	if extra := os.Getenv("SPEC_EXTRA"); extra != "" { // more spec options, e.g. SPEC_EXTRA='{"rows_per_record":10000}'
		if err := json.Unmarshal([]byte(extra), &opts); err != nil {
			return res, fmt.Errorf("SPEC_EXTRA: %w", err)
		}
	}
	spec, _ := json.Marshal(opts)
	b.proxy.ResetStats()
	cpu0 := cpuSeconds(pid)
	_, sys0 := cpuTimes(pid)
	t0 := time.Now()
	if _, err := client.Init(context.Background(), &pb.Init_Request{Spec: spec}); err != nil {
		return res, fmt.Errorf("Init: %w\n%s", err, logs.String())
	}
	res.initSeconds, res.initCPU = time.Since(t0).Seconds(), cpuSeconds(pid)-cpu0
	res.initGets = b.proxy.Stats().ByOp[s3fault.OpGet]
	b.proxy.ResetStats()
	t1 := time.Now()
	stream, err := client.Sync(context.Background(), &pb.Sync_Request{Tables: []string{"*"}})
	if err != nil {
		return res, err
	}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, fmt.Errorf("Sync: %w\n%s", err, logs.String())
		}
		if ins := msg.GetInsert(); ins != nil {
			n, err := ipcRows(ins.Record)
			if err != nil {
				return res, fmt.Errorf("insert %d: %w", res.inserts, err)
			}
			if res.inserts == 0 {
				if d, err := decodedRows(ins.Record); err != nil || d != n {
					return res, fmt.Errorf("insert 0: %d rows in its header, %d decoded (%v)", n, d, err)
				}
			}
			res.rows += n
			res.inserts++
			res.insertBytes += int64(len(ins.Record))
		}
	}
	res.syncSeconds, res.seconds = time.Since(t1).Seconds(), time.Since(t0).Seconds()
	res.cpu = cpuSeconds(pid) - cpu0
	_, res.sysCPU = cpuTimes(pid)
	res.sysCPU -= sys0
	res.syncCPU = res.cpu - res.initCPU
	res.rssMiB = peakRSSMiB(pid)
	st := b.proxy.Stats()
	res.syncGets, res.syncBytes = st.ByOp[s3fault.OpGet], st.Bytes
	if res.rows != ds.rows {
		return res, fmt.Errorf("synced %d rows, want %d\n%s", res.rows, ds.rows, logs.String())
	}
	return res, nil
}

func cpuSeconds(pid int) float64 {
	user, sys := cpuTimes(pid)
	return user + sys
}

// cpuTimes is a process's user and system CPU seconds so far, all its threads.
func cpuTimes(pid int) (user, sys float64) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return utime / 100, stime / 100 // clock ticks, USER_HZ = 100
}

func peakRSSMiB(pid int) float64 {
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func med(rs []result, f func(result) float64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	return median(xs)
}
