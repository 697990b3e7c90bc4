package plugin

import (
	"context"
	"testing"

	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/rs/zerolog"
)

// hookedClient records the SDK's optional calls that the caller-status wrapper must pass on.
type hookedClient struct {
	plugin.Client
	finished, beforeSend int
}

func (c *hookedClient) OnSyncFinish(context.Context) error { c.finished++; return nil }

func (c *hookedClient) OnBeforeSend(_ context.Context, msg message.SyncMessage) (message.SyncMessage, error) {
	c.beforeSend++
	return msg, nil
}

func TestCallerStatusKeepsTheClientsSyncHooks(t *testing.T) {
	inner := &hookedClient{}
	wrapped, err := callerStatus(func(context.Context, zerolog.Logger, []byte, plugin.NewClientOptions) (plugin.Client, error) {
		return inner, nil
	})(context.Background(), zerolog.Nop(), nil, plugin.NewClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	finisher, ok := wrapped.(plugin.OnSyncFinisher)
	if !ok {
		t.Fatal("the wrapped client hides OnSyncFinish: plugin-sdk would never tell the client its sync was sent")
	}
	sender, ok := wrapped.(plugin.OnBeforeSender)
	if !ok {
		t.Fatal("the wrapped client hides OnBeforeSend")
	}
	_ = finisher.OnSyncFinish(context.Background())
	_, _ = sender.OnBeforeSend(context.Background(), nil)
	if inner.finished != 1 || inner.beforeSend != 1 {
		t.Fatalf("calls reached the client: OnSyncFinish %d, OnBeforeSend %d, want 1 each", inner.finished, inner.beforeSend)
	}
}
