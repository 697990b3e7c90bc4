package plugin

import (
	"context"
	"errors"
	"time"

	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/rs/zerolog"
)

// callerGrace is how long past the caller's deadline a call that failed on that deadline holds
// its error back. The SDK's gRPC server reports every Init and GetTables error as Internal and a
// TestConnection error as a failed test, and its serve command takes no interceptors; gRPC itself
// ends a call at the caller's deadline with RST_STREAM, which the caller reads as
// DeadlineExceeded. Holding the error until after that makes the transport's answer the one the
// caller gets, whichever goroutine the busy machine runs first. A cancelled caller needs no hold:
// gRPC closes the stream before it cancels the call's context, so nothing sent after reaches it.
const callerGrace = time.Second

// afterCallerDeadline returns err, once the caller's deadline is callerGrace behind us when err
// is that deadline running out (or about to: a library may refuse work it cannot finish in time).
// A deadline exceeded long before the caller's (a request timeout of the plugin's own) is
// returned at once.
func afterCallerDeadline(ctx context.Context, err error) error {
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	deadline, ok := ctx.Deadline()
	if !ok || time.Until(deadline) > callerGrace {
		return err
	}
	hold := time.NewTimer(time.Until(deadline) + callerGrace)
	defer hold.Stop()
	<-hold.C
	return err
}

// callerStatus wraps a client constructor so that Init, GetTables and Sync end with the
// caller's DeadlineExceeded when its deadline is what ended them (see callerGrace).
func callerStatus(newClient plugin.NewClientFunc) plugin.NewClientFunc {
	return func(ctx context.Context, logger zerolog.Logger, spec []byte, opts plugin.NewClientOptions) (plugin.Client, error) {
		c, err := newClient(ctx, logger, spec, opts)
		if err != nil {
			return nil, afterCallerDeadline(ctx, err)
		}
		return &deadlineClient{c}, nil
	}
}

// connectionTesterStatus is callerStatus for TestConnection.
func connectionTesterStatus(test plugin.ConnectionTester) plugin.ConnectionTester {
	return func(ctx context.Context, logger zerolog.Logger, spec []byte) error {
		return afterCallerDeadline(ctx, test(ctx, logger, spec))
	}
}

type deadlineClient struct{ plugin.Client }

func (c *deadlineClient) Tables(ctx context.Context, opts plugin.TableOptions) (schema.Tables, error) {
	tables, err := c.Client.Tables(ctx, opts)
	return tables, afterCallerDeadline(ctx, err)
}

func (c *deadlineClient) Sync(ctx context.Context, opts plugin.SyncOptions, res chan<- message.SyncMessage) error {
	return afterCallerDeadline(ctx, c.Client.Sync(ctx, opts, res))
}

// OnSyncFinish forwards plugin-sdk's end-of-sync call, which the SDK finds by type assertion on
// the client: without it the wrapped client never learns that every message was sent.
func (c *deadlineClient) OnSyncFinish(ctx context.Context) error {
	if f, ok := c.Client.(plugin.OnSyncFinisher); ok {
		return f.OnSyncFinish(ctx)
	}
	return nil
}

// OnBeforeSend forwards plugin-sdk's per-message hook, likewise found by type assertion.
func (c *deadlineClient) OnBeforeSend(ctx context.Context, msg message.SyncMessage) (message.SyncMessage, error) {
	if s, ok := c.Client.(plugin.OnBeforeSender); ok {
		return s.OnBeforeSend(ctx, msg)
	}
	return msg, nil
}
