package faults

import (
	"context"
	"testing"
	"time"

	"github.com/cq-source-s3/cq-source-s3/test/s3fault"
)

// env is one test's world: a bucket in moto holding a dataset, a proxy in front of moto,
// and a plugin process pointed at the proxy.
type env struct {
	t      *testing.T
	ds     *dataset
	bucket string
	proxy  *s3fault.Proxy
	plugin *plugin
}

func newEnv(t *testing.T, ds *dataset) *env {
	t.Helper()
	e := &env{t: t, ds: ds, bucket: ds.upload(t), proxy: startProxy(t)}
	e.plugin = startPlugin(t, 0)
	return e
}

func (e *env) spec(extra map[string]any) map[string]any {
	return spec(e.bucket, e.proxy.URL(), extra)
}

func (e *env) init(extra map[string]any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return e.plugin.init(ctx, e.spec(extra))
}

func (e *env) mustInit(extra map[string]any) {
	e.t.Helper()
	if err := e.init(extra); err != nil {
		e.t.Fatalf("Init: %v", err)
	}
}

func (e *env) syncAll() (*syncResult, error) {
	e.t.Helper()
	return e.plugin.syncAll(e.t)
}

func (e *env) rules(rules ...s3fault.Rule) { setRules(e.t, e.proxy, rules...) }

// faultsInjected fails the test when the proxy never acted: the fault must have happened
// for its outcome to mean anything.
func (e *env) faultsInjected() int {
	e.t.Helper()
	n := e.proxy.Stats().Faults
	if n == 0 {
		e.t.Fatalf("no fault was injected: the test proves nothing")
	}
	return n
}
