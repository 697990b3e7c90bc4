package faults

import (
	"context"
	"testing"
	"time"

	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
)

// env is one test's world: a bucket in moto holding a dataset, a proxy in front of moto,
// and a plugin process pointed at the proxy.
type env struct {
	t      *testing.T
	ds     *dataset
	bucket string
	proxy  *s3fault.Proxy
	plugin *plugin

	// Rules set by rules() and the proxy's fault count when they were set: each set of rules
	// must act at least once before it is replaced or the test ends (checkRulesActed).
	rulesSet     bool
	faultsAtRule int
}

func newEnv(t *testing.T, ds *dataset) *env {
	t.Helper()
	e := &env{t: t, ds: ds, bucket: ds.upload(t), proxy: startProxy(t)}
	e.plugin = startPlugin(t, 0)
	t.Cleanup(func() {
		if !t.Failed() {
			e.checkRulesActed()
		}
	})
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

// rules replaces the proxy's rules, after checking that the ones they replace acted.
func (e *env) rules(rules ...s3fault.Rule) {
	e.t.Helper()
	e.checkRulesActed()
	setRules(e.t, e.proxy, rules...)
	e.rulesSet, e.faultsAtRule = len(rules) > 0, e.proxy.Stats().Faults
}

// checkRulesActed fails the test when the current rules never acted: a fault that did not
// happen makes its case's outcome mean nothing.
func (e *env) checkRulesActed() {
	e.t.Helper()
	if e.rulesSet && e.proxy.Stats().Faults == e.faultsAtRule {
		e.t.Fatalf("the fault rules set for this case never acted: the case proves nothing")
	}
}
