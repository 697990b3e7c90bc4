package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/cloudquery/plugin-sdk/v4/serve"
	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// The caller's deadline in these tests, and how early the stand-in gives up on it.
const (
	callerDeadline = time.Second
	givesUpEarly   = 300 * time.Millisecond
)

// standIn is a client whose every call behaves as the spec says: "ok", "block" (until the
// call's context ends, then its error) or "early" (fails with DeadlineExceeded givesUpEarly
// before the caller's deadline, as a library does that will not start what it cannot finish).
type standIn struct {
	plugin.UnimplementedDestination
	spec    standInSpec
	started chan<- struct{}
}

type standInSpec struct{ Init, Tables, Sync, Test string }

func (s *standIn) behave(ctx context.Context, mode string) error {
	switch mode {
	case "ok":
		return nil
	case "block":
		s.started <- struct{}{}
		<-ctx.Done()
		return fmt.Errorf("stand-in: %w", ctx.Err())
	case "early":
		deadline, ok := ctx.Deadline()
		if !ok {
			return errors.New("stand-in: the call has no deadline")
		}
		time.Sleep(time.Until(deadline) - givesUpEarly)
		return fmt.Errorf("stand-in: not enough time left: %w", context.DeadlineExceeded)
	}
	return fmt.Errorf("stand-in: unknown mode %q", mode)
}

// Tables is called by GetTables only: Plugin() turns off the SDK's validation inside Init.
func (s *standIn) Tables(ctx context.Context, _ plugin.TableOptions) (schema.Tables, error) {
	return schema.Tables{}, s.behave(ctx, s.spec.Tables)
}

func (s *standIn) Sync(ctx context.Context, _ plugin.SyncOptions, _ chan<- message.SyncMessage) error {
	return s.behave(ctx, s.spec.Sync)
}

func (*standIn) Close(context.Context) error { return nil }

// serveStandIn serves the plugin, built around standIn, on a unix socket for the test.
func serveStandIn(t *testing.T) (pb.PluginClient, <-chan struct{}) {
	t.Helper()
	started := make(chan struct{}, 1)
	parse := func(b []byte) (*standIn, error) {
		s := &standIn{started: started}
		return s, json.Unmarshal(b, &s.spec)
	}
	p := newPlugin(func(ctx context.Context, _ zerolog.Logger, b []byte, _ plugin.NewClientOptions) (plugin.Client, error) {
		s, err := parse(b)
		if err != nil {
			return nil, err
		}
		return s, s.behave(ctx, s.spec.Init)
	}, func(ctx context.Context, _ zerolog.Logger, b []byte) error {
		s, err := parse(b)
		if err != nil {
			return err
		}
		return s.behave(ctx, s.spec.Test)
	})
	sock := filepath.Join(t.TempDir(), "plugin.sock")
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serve.Plugin(p, serve.WithArgs("serve", "--network", "unix", "--address", sock, "--log-level", "error", "--no-sentry")).Serve(ctx)
	}()
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		stop()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	client := pb.NewPluginClient(conn)
	for ready := time.Now().Add(15 * time.Second); ; {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := client.GetName(ctx, &pb.GetName_Request{})
		cancel()
		if err == nil {
			return client, started
		}
		if time.Now().After(ready) {
			t.Fatalf("the plugin did not answer GetName within 15 s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// deadlineOnly sends its deadline to the server (grpc-timeout) but never ends on this side, so
// the test sees the status the plugin put on the wire, not the client's own timer.
type deadlineOnly struct {
	context.Context
	deadline time.Time
}

func (c deadlineOnly) Deadline() (time.Time, bool) { return c.deadline, true }

// call is one of the four calls, made with ctx and the given stand-in behaviour.
type call func(ctx context.Context, c pb.PluginClient, mode string) error

func initWith(ctx context.Context, c pb.PluginClient, s standInSpec) error {
	b, _ := json.Marshal(s)
	_, err := c.Init(ctx, &pb.Init_Request{Spec: b})
	return err
}

// initialised runs Init with every call "ok" but the one under test; a previous test's call
// may still hold the plugin for callerGrace.
func initialised(c pb.PluginClient, s standInSpec) error {
	for limit := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		err := initWith(context.Background(), c, s)
		if err == nil || status.Code(err) != codes.Internal || time.Now().After(limit) {
			return err
		}
	}
}

var calls = map[string]call{
	"Init": func(ctx context.Context, c pb.PluginClient, mode string) error {
		return initWith(ctx, c, standInSpec{Init: mode})
	},
	"GetTables": func(ctx context.Context, c pb.PluginClient, mode string) error {
		if err := initialised(c, standInSpec{Init: "ok", Tables: mode}); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		_, err := c.GetTables(ctx, &pb.GetTables_Request{Tables: []string{"*"}})
		return err
	},
	"Sync": func(ctx context.Context, c pb.PluginClient, mode string) error {
		if err := initialised(c, standInSpec{Init: "ok", Sync: mode}); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		stream, err := c.Sync(ctx, &pb.Sync_Request{Tables: []string{"*"}})
		if err != nil {
			return err
		}
		for {
			if _, err := stream.Recv(); err != nil {
				return err
			}
		}
	},
	"TestConnection": func(ctx context.Context, c pb.PluginClient, mode string) error {
		b, _ := json.Marshal(standInSpec{Test: mode})
		res, err := c.TestConnection(ctx, &pb.TestConnection_Request{Spec: b})
		if err == nil {
			return fmt.Errorf("no error status: a response (success %v, %s: %s)", res.Success, res.FailureCode, res.FailureDescription)
		}
		return err
	},
}

func TestCallerDeadlineIsDeadlineExceeded(t *testing.T) {
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			client, _ := serveStandIn(t)
			watchdog, cancel := context.WithCancel(context.Background())
			defer time.AfterFunc(30*time.Second, cancel).Stop()
			ctx := deadlineOnly{watchdog, time.Now().Add(callerDeadline)}
			if err := call(ctx, client, "early"); status.Code(err) != codes.DeadlineExceeded {
				t.Fatalf("want DeadlineExceeded, got %v", err)
			}
		})
	}
}

func TestCallerCancelIsCanceled(t *testing.T) {
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			client, started := serveStandIn(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ended := make(chan error, 1)
			go func() { ended <- call(ctx, client, "block") }()
			select {
			case <-started: // the plugin is inside the call: cancel it there
			case err := <-ended:
				t.Fatalf("the call ended before the stand-in started: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatal("the stand-in did not start within 30 s")
			}
			cancel()
			if err := <-ended; status.Code(err) != codes.Canceled {
				t.Fatalf("want Canceled, got %v", err)
			}
		})
	}
}

// A deadline of the plugin's own, long before the caller's, is reported at once.
func TestOwnDeadlineIsNotHeld(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	start := time.Now()
	err := afterCallerDeadline(ctx, fmt.Errorf("request timeout: %w", context.DeadlineExceeded))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Fatalf("want the error at once, got %v after %s", err, time.Since(start))
	}
}
