package s3fault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// ControlHandler is the proxy's HTTP control API, for tests and benchmarks not written in Go.
// Bodies and answers are JSON; errors answer 400 with {"error": "..."}.
//
//	GET    /health  → {"ok": true, "s3": "<proxy URL>"}
//	GET    /rules   → the rules;  PUT /rules: replace them (an array);  POST /rules: append
//	                  (one rule or an array);  DELETE /rules: remove all (transparent proxy)
//	GET    /stats   → Stats;  DELETE /stats: zero the counters
//	POST   /kill    → close every connection and refuse new ones;  POST /revive: serve again
func (p *Proxy) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"ok": true, "s3": p.URL()})
	})
	mux.HandleFunc("GET /rules", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, p.Rules()) })
	mux.HandleFunc("PUT /rules", func(w http.ResponseWriter, r *http.Request) {
		rules, err := decodeRules(r)
		if err == nil {
			err = p.SetRules(rules...)
		}
		answer(w, err, p.Rules)
	})
	mux.HandleFunc("POST /rules", func(w http.ResponseWriter, r *http.Request) {
		rules, err := decodeRules(r)
		if err == nil {
			err = p.AddRules(rules...)
		}
		answer(w, err, p.Rules)
	})
	mux.HandleFunc("DELETE /rules", func(w http.ResponseWriter, _ *http.Request) {
		answer(w, p.SetRules(), p.Rules)
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, p.Stats()) })
	mux.HandleFunc("DELETE /stats", func(w http.ResponseWriter, _ *http.Request) {
		p.ResetStats()
		writeJSON(w, p.Stats())
	})
	mux.HandleFunc("POST /kill", func(w http.ResponseWriter, _ *http.Request) {
		answer(w, p.Kill(), func() any { return map[string]bool{"killed": true} })
	})
	mux.HandleFunc("POST /revive", func(w http.ResponseWriter, _ *http.Request) {
		answer(w, p.Revive(), func() any { return map[string]string{"s3": p.URL()} })
	})
	return mux
}

// decodeRules accepts one rule object or an array of rules.
func decodeRules(r *http.Request) ([]Rule, error) {
	var raw json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		return nil, fmt.Errorf("body must be a JSON rule or array of rules: %w", err)
	}
	var rules []Rule
	if len(raw) > 0 && raw[0] == '[' {
		if err := strictUnmarshal(raw, &rules); err != nil {
			return nil, err
		}
		return rules, nil
	}
	var one Rule
	if err := strictUnmarshal(raw, &one); err != nil {
		return nil, err
	}
	return []Rule{one}, nil
}

func answer[T any](w http.ResponseWriter, err error, result func() T) {
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, result())
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// strictUnmarshal rejects unknown fields, so a misspelt rule field is an error, not a no-op.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
