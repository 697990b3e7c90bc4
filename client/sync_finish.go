package client

import (
	"context"
	"fmt"
	"sync"
)

// A Sync's own part ends when it has handed its last message to plugin-sdk, which then
// encodes and sends what it still holds, and can fail doing so (a record it cannot encode,
// a client gone). So what follows a sync whose own part succeeded waits for the SDK: when it
// calls OnSyncFinish (every message sent), the incremental cursors are committed and the
// summary says ok (or failed, if the commit did); when the stream ends first, nothing is
// committed (the next sync reads the same objects again) and the summary says failed or
// cancelled. Its goroutine ends with the stream.

// pendingSummary is the summary of a sync waiting for the SDK's verdict.
type pendingSummary struct {
	once sync.Once
	log  func(error)
	inc  *incremental // its cursors are committed once every message was sent; nil: none
	done chan struct{}
}

// finish commits the cursors and logs the summary, unless the stream ended first.
func (p *pendingSummary) finish(ctx context.Context) (err error) {
	p.once.Do(func() {
		err = p.inc.commit(ctx)
		p.conclude(err)
	})
	return err
}

// end logs the summary of a sync whose stream ended before every message was sent.
func (p *pendingSummary) end(err error) { p.once.Do(func() { p.conclude(err) }) }

func (p *pendingSummary) conclude(err error) {
	p.inc.close()
	p.log(err)
	close(p.done)
}

// awaitFinish commits inc and logs the summary (log) when the SDK finishes the sync, or logs
// it when its stream ends first; it closes inc either way.
func (c *Client) awaitFinish(ctx context.Context, inc *incremental, log func(error)) {
	p := &pendingSummary{log: log, inc: inc, done: make(chan struct{})}
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

// OnSyncFinish is called by plugin-sdk once it has sent every message of a sync; an error
// (the cursors could not be stored) fails the sync.
func (c *Client) OnSyncFinish(ctx context.Context) error {
	c.finishMu.Lock()
	p := c.pending
	c.pending = nil
	c.finishMu.Unlock()
	if p != nil {
		return p.finish(ctx)
	}
	return nil
}
