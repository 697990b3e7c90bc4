package client

import (
	"context"
	"fmt"
	"sync"
)

// A Sync's own part ends when it has handed its last message to plugin-sdk, which then
// encodes and sends what it still holds, and can fail doing so (a record it cannot encode,
// a client gone). So the summary of a sync whose own part succeeded waits: it says ok when the
// SDK calls OnSyncFinish (every message sent), and failed or cancelled when the stream ends
// first. Its goroutine ends with the stream.

// pendingSummary is the summary of a sync waiting for the SDK's verdict.
type pendingSummary struct {
	once sync.Once
	log  func(error)
	done chan struct{}
}

func (p *pendingSummary) end(err error) {
	p.once.Do(func() {
		p.log(err)
		close(p.done)
	})
}

// awaitFinish logs the summary (log) when the SDK finishes the sync or its stream ends.
func (c *Client) awaitFinish(ctx context.Context, log func(error)) {
	p := &pendingSummary{log: log, done: make(chan struct{})}
	c.finishMu.Lock()
	c.pending = p
	c.finishMu.Unlock()
	go func() {
		select {
		case <-p.done:
		case <-ctx.Done():
			p.end(fmt.Errorf("the sync's stream ended before plugin-sdk sent every message (see its error): %w", ctx.Err()))
		}
	}()
}

// OnSyncFinish is called by plugin-sdk once it has sent every message of a sync.
func (c *Client) OnSyncFinish(context.Context) error {
	c.finishMu.Lock()
	p := c.pending
	c.pending = nil
	c.finishMu.Unlock()
	if p != nil {
		p.end(nil)
	}
	return nil
}
