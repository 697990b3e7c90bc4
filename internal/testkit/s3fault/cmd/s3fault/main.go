// Command s3fault runs the fault-injecting S3 proxy with its HTTP control API, for tests and
// benchmarks that are not written in Go:
//
//	s3fault -upstream http://127.0.0.1:5000 [-listen 127.0.0.1:0] [-control 127.0.0.1:0] [-rules rules.json]
//
// Once both listeners are up it prints one JSON line, {"s3": "<proxy URL>", "control": "<API URL>"},
// and serves until SIGINT or SIGTERM. See s3fault.Proxy.ControlHandler for the API.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "s3fault:", err)
		os.Exit(2)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("s3fault", flag.ContinueOnError)
	upstream := fs.String("upstream", "", "URL of the S3 server to proxy (required)")
	listen := fs.String("listen", "127.0.0.1:0", "address of the S3 proxy")
	control := fs.String("control", "127.0.0.1:0", "address of the control API")
	rulesFile := fs.String("rules", "", "JSON file with the initial rules (an array)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *upstream == "" {
		return fmt.Errorf("-upstream is required")
	}
	p, err := s3fault.New(*upstream)
	if err != nil {
		return err
	}
	if *rulesFile != "" {
		if err := loadRules(p, *rulesFile); err != nil {
			return err
		}
	}
	if err := p.Start(*listen); err != nil {
		return err
	}
	defer p.Close()
	ln, err := net.Listen("tcp", *control)
	if err != nil {
		return fmt.Errorf("-control %s: %w", *control, err)
	}
	srv := &http.Server{Handler: p.ControlHandler()}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	line, _ := json.Marshal(map[string]string{"s3": p.URL(), "control": "http://" + ln.Addr().String()})
	fmt.Fprintln(out, string(line))
	<-ctx.Done()
	return nil
}

func loadRules(p *s3fault.Proxy, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("-rules: %w", err)
	}
	var rules []s3fault.Rule
	if err := json.Unmarshal(data, &rules); err != nil {
		return fmt.Errorf("-rules %s: %w", file, err)
	}
	return p.SetRules(rules...)
}
