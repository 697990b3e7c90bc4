package s3fault

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Proxy forwards S3 requests to an upstream server and injects the faults of its rules.
type Proxy struct {
	upstream  *url.URL
	transport *http.Transport

	mu      sync.Mutex
	rules   []*ruleState
	stats   Stats
	addr    string
	srv     *http.Server
	ln      net.Listener
	stopped chan struct{} // closed when the server is killed or closed: stalls end
	hijack  map[net.Conn]struct{}
}

// New makes a proxy for the S3 server at upstream (e.g. "http://127.0.0.1:5000").
func New(upstream string) (*Proxy, error) {
	u, err := url.Parse(upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("s3fault: upstream %q must be an http(s) URL", upstream)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.DisableCompression = true
	return &Proxy{upstream: u, transport: tr, stats: newStats(), hijack: map[net.Conn]struct{}{}}, nil
}

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves in the background.
func (p *Proxy) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("s3fault: listen %s: %w", addr, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addr = ln.Addr().String()
	p.serveLocked(ln)
	return nil
}

func (p *Proxy) serveLocked(ln net.Listener) {
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 30 * time.Second}
	p.srv, p.ln, p.stopped = srv, ln, make(chan struct{})
	go func() { _ = srv.Serve(ln) }()
}

// URL is the proxy's S3 endpoint.
func (p *Proxy) URL() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return "http://" + p.addr
}

// Kill stops the proxy as a crashed server would stop: every open connection is closed
// (hijacked ones are reset) and new connections are refused until Revive.
func (p *Proxy) Kill() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopLocked()
}

func (p *Proxy) stopLocked() error {
	if p.srv == nil {
		return nil
	}
	close(p.stopped)
	_ = p.ln.Close() // before Serve may have taken it over
	err := p.srv.Close()
	for c := range p.hijack {
		reset(c)
	}
	p.srv = nil
	return err
}

// Revive serves again on the address the proxy had before Kill.
func (p *Proxy) Revive() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv != nil {
		return errors.New("s3fault: the proxy is running")
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return fmt.Errorf("s3fault: listen again on %s: %w", p.addr, err)
	}
	p.serveLocked(ln)
	return nil
}

// Close stops the proxy for good.
func (p *Proxy) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.stopLocked()
	p.transport.CloseIdleConnections()
	return err
}

// SetRules replaces the rules (and their counters); no rules means a transparent proxy.
func (p *Proxy) SetRules(rules ...Rule) error {
	states, err := newRuleStates(rules)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = states
	return nil
}

// AddRules appends rules after the current ones.
func (p *Proxy) AddRules(rules ...Rule) error {
	states, err := newRuleStates(rules)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = append(p.rules, states...)
	return nil
}

// Rules returns the current rules.
func (p *Proxy) Rules() []Rule {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Rule, len(p.rules))
	for i, r := range p.rules {
		out[i] = r.Rule
	}
	return out
}

func newRuleStates(rules []Rule) ([]*ruleState, error) {
	states := make([]*ruleState, len(rules))
	for i, r := range rules {
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("s3fault: rule %d: %w", i, err)
		}
		states[i] = &ruleState{Rule: r}
	}
	return states, nil
}

// Stats returns a copy of the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats.clone()
}

// ResetStats zeroes the counters.
func (p *Proxy) ResetStats() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats = newStats()
}

// action is what the rules decided for one request.
type action struct {
	delay    time.Duration
	fault    *Rule  // the first firing rule that answers in its own way
	rewrites []Rule // last_modified rewrites for a list response
	stopped  <-chan struct{}
}

func (p *Proxy) decide(method, op, key string) action {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := action{stopped: p.stopped}
	for _, r := range p.rules {
		if r.Fault == FaultLastModified {
			if op == OpList { // its Key glob selects listed keys, not the request
				a.rewrites = append(a.rewrites, r.Rule)
			}
			continue
		}
		if !r.matches(op, key) {
			continue
		}
		if r.Fault == FaultDelay {
			if r.fires(key) {
				a.delay += time.Duration(r.DelayMS) * time.Millisecond
			}
		} else if a.fault == nil && r.fires(key) {
			rule := r.Rule
			a.fault = &rule
		}
	}
	p.stats.countRequest(method, op, key, a.delay > 0 || a.fault != nil || len(a.rewrites) > 0)
	return a
}

func (p *Proxy) countBytes(key string, n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.countBytes(key, n)
}

func (p *Proxy) trackHijacked(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		p.hijack[c] = struct{}{}
	} else {
		delete(p.hijack, c)
	}
}

// classify names a path-style request's operation and key ("" for bucket-level requests;
// for a listing, its prefix).
func classify(r *http.Request) (op, key string) {
	bucketAndKey := strings.TrimPrefix(r.URL.Path, "/")
	_, key, hasKey := strings.Cut(bucketAndKey, "/")
	if !hasKey || key == "" {
		if r.Method == http.MethodGet && !r.URL.Query().Has("location") && !r.URL.Query().Has("versioning") {
			return OpList, r.URL.Query().Get("prefix")
		}
		return OpOther, ""
	}
	switch r.Method {
	case http.MethodGet:
		return OpGet, key
	case http.MethodHead:
		return OpHead, key
	case http.MethodPut:
		return OpPut, key
	case http.MethodDelete:
		return OpDelete, key
	}
	return OpOther, key
}
