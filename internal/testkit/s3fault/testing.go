package s3fault

import "testing"

// StartForTest runs a proxy for upstream on a free loopback port with rules, and closes it
// when the test ends.
func StartForTest(tb testing.TB, upstream string, rules ...Rule) *Proxy {
	tb.Helper()
	p, err := New(upstream)
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.SetRules(rules...); err != nil {
		tb.Fatal(err)
	}
	if err := p.Start("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = p.Close() })
	return p
}
