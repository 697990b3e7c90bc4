// Package s3fault is a fault-injecting reverse proxy for S3 (path-style requests), for tests
// and benchmarks: put it between a client and an S3 server (moto, gofakes3, versitygw) and
// script, per test, which requests fail and how. It also counts requests and bytes per
// operation and key. cmd/s3fault serves it with an HTTP control API for non-Go callers.
package s3fault

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"time"
)

// The faults a rule can inject.
const (
	// FaultStatus answers with an S3 error: Status (default 503) and Code (default SlowDown).
	FaultStatus = "status"
	// FaultNotFound answers 404 NoSuchKey, as for an object deleted after listing.
	FaultNotFound = "not_found"
	// FaultReset resets the connection before any response header.
	FaultReset = "reset"
	// FaultResetBody sends the upstream headers and AfterBytes body bytes, then resets.
	FaultResetBody = "reset_body"
	// FaultStall never answers (until the client gives up or the proxy closes).
	FaultStall = "stall"
	// FaultStallBody sends the upstream headers and AfterBytes body bytes, then stalls.
	FaultStallBody = "stall_body"
	// FaultWrongLength declares Content-Length + LengthDelta (default +1000), sends the real
	// body and closes: a positive delta truncates the body, a negative one leaves bytes over.
	FaultWrongLength = "wrong_length"
	// FaultDelay waits DelayMS before handling the request; it combines with other rules.
	FaultDelay = "delay"
	// FaultLastModified rewrites <LastModified> of the listed keys matching Key in
	// ListObjects responses to LastModified (RFC 3339); it combines with other rules.
	FaultLastModified = "last_modified"
	// FaultSwap answers a GET with the same range of object SwapKey, as a server that ignores
	// If-Match might: without ETag or checksum headers, so only the bytes can tell.
	FaultSwap = "swap"
)

// The operations a rule can match.
const (
	OpAny    = ""
	OpList   = "list"
	OpGet    = "get"
	OpHead   = "head"
	OpPut    = "put"
	OpDelete = "delete"
	OpOther  = "other"
)

var (
	allFaults = []string{FaultStatus, FaultNotFound, FaultReset, FaultResetBody, FaultStall, FaultStallBody, FaultWrongLength, FaultDelay, FaultLastModified, FaultSwap}
	allOps    = []string{OpAny, "any", OpList, OpGet, OpHead, OpPut, OpDelete, OpOther}
)

// Rule says which requests get which fault. A request matches when its operation is Op
// (empty or "any": every operation) and its key matches the glob Key (path.Match syntax;
// empty: every key; for list requests the listed keys are what LastModified rewrites).
// Of the matching requests, the rule acts on every Every-th one (default 1: all) after
// the first Skip, at most Times times (0: no limit). PerKey counts each key separately.
type Rule struct {
	Op     string `json:"op,omitempty"`
	Key    string `json:"key,omitempty"`
	Every  int    `json:"every,omitempty"`
	Skip   int    `json:"skip,omitempty"`
	Times  int    `json:"times,omitempty"`
	PerKey bool   `json:"per_key,omitempty"`

	Fault        string `json:"fault"`
	Status       int    `json:"status,omitempty"`
	Code         string `json:"code,omitempty"`
	AfterBytes   int64  `json:"after_bytes,omitempty"`
	LengthDelta  int64  `json:"length_delta,omitempty"`
	DelayMS      int    `json:"delay_ms,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	SwapKey      string `json:"swap_key,omitempty"`
}

// Validate names the first invalid field.
func (r Rule) Validate() error {
	switch {
	case !slices.Contains(allFaults, r.Fault):
		return fmt.Errorf("rule.fault %q is not one of %v", r.Fault, allFaults)
	case !slices.Contains(allOps, r.Op):
		return fmt.Errorf("rule.op %q is not one of %v", r.Op, allOps[1:])
	case r.Every < 0 || r.Skip < 0 || r.Times < 0:
		return errors.New("rule.every, rule.skip and rule.times must not be negative")
	case r.AfterBytes < 0 || r.DelayMS < 0:
		return errors.New("rule.after_bytes and rule.delay_ms must not be negative")
	case r.Fault == FaultStatus && r.Status != 0 && (r.Status < 400 || r.Status > 599):
		return fmt.Errorf("rule.status %d is not an HTTP error status", r.Status)
	case r.Fault == FaultSwap && r.SwapKey == "":
		return errors.New("rule.swap_key is required by the swap fault")
	case r.Fault == FaultLastModified:
		if _, err := time.Parse(time.RFC3339, r.LastModified); err != nil {
			return fmt.Errorf("rule.last_modified %q must be an RFC 3339 time", r.LastModified)
		}
	}
	if _, err := path.Match(r.Key, ""); err != nil {
		return fmt.Errorf("rule.key %q is not a valid glob: %v", r.Key, err)
	}
	return nil
}

// matches reports whether the rule applies to requests of op on key.
func (r Rule) matches(op, key string) bool {
	if r.Op != OpAny && r.Op != "any" && r.Op != op {
		return false
	}
	if r.Key == "" {
		return true
	}
	ok, _ := path.Match(r.Key, key)
	return ok
}

// ruleState is a rule and its counters.
type ruleState struct {
	Rule
	seen   int
	perKey map[string]int
	fired  int
}

// fires counts one matching request and reports whether the rule acts on it.
func (s *ruleState) fires(key string) bool {
	var n int
	if s.PerKey {
		if s.perKey == nil {
			s.perKey = map[string]int{}
		}
		s.perKey[key]++
		n = s.perKey[key]
	} else {
		s.seen++
		n = s.seen
	}
	every := max(s.Every, 1)
	if n <= s.Skip || (n-s.Skip)%every != 0 || (s.Times > 0 && s.fired >= s.Times) {
		return false
	}
	s.fired++
	return true
}
