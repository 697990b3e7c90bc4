package s3fault

import "maps"

// Stats counts what went through the proxy since it started or since ResetStats.
type Stats struct {
	Requests int `json:"requests"`
	// Faults counts requests a rule acted on (delays and rewrites included).
	Faults int `json:"faults"`
	// Bytes counts response body bytes sent to clients.
	Bytes    int64               `json:"bytes"`
	ByOp     map[string]int      `json:"by_op"`
	ByMethod map[string]int      `json:"by_method"`
	ByKey    map[string]KeyStats `json:"by_key"`
}

// KeyStats is the traffic of one object key (list requests count under their prefix).
type KeyStats struct {
	Requests map[string]int `json:"requests"` // by operation
	Bytes    int64          `json:"bytes"`
}

func newStats() Stats {
	return Stats{ByOp: map[string]int{}, ByMethod: map[string]int{}, ByKey: map[string]KeyStats{}}
}

func (s *Stats) countRequest(method, op, key string, faulted bool) {
	s.Requests++
	if faulted {
		s.Faults++
	}
	s.ByOp[op]++
	s.ByMethod[method]++
	ks := s.ByKey[key]
	if ks.Requests == nil {
		ks.Requests = map[string]int{}
	}
	ks.Requests[op]++
	s.ByKey[key] = ks
}

func (s *Stats) countBytes(key string, n int64) {
	s.Bytes += n
	ks := s.ByKey[key]
	ks.Bytes += n
	s.ByKey[key] = ks
}

func (s Stats) clone() Stats {
	c := s
	c.ByOp, c.ByMethod = maps.Clone(s.ByOp), maps.Clone(s.ByMethod)
	c.ByKey = make(map[string]KeyStats, len(s.ByKey))
	for k, v := range s.ByKey {
		c.ByKey[k] = KeyStats{Requests: maps.Clone(v.Requests), Bytes: v.Bytes}
	}
	return c
}
