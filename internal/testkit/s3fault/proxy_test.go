package s3fault

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

const objectBody = "0123456789abcdefghijklmnopqrstuvwxyz"

const listing = `<ListBucketResult><Contents><Key>a/x.parquet</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>` +
	`<Contents><Key>b/y.parquet</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents></ListBucketResult>`

// startProxy runs a proxy in front of a tiny upstream that serves one body for every key
// and a fixed listing for the bucket.
func startProxy(t *testing.T, rules ...Rule) *Proxy {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if op, _ := classify(r); op == OpList {
			_, _ = io.WriteString(w, listing)
			return
		}
		w.Header().Set("Content-Length", "36")
		_, _ = io.WriteString(w, objectBody)
	}))
	t.Cleanup(up.Close)
	return StartForTest(t, up.URL, rules...)
}

func get(t *testing.T, url string) (int, string, error) {
	t.Helper()
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func TestEveryNthRequestPerKey(t *testing.T) {
	p := startProxy(t, Rule{Op: OpGet, Every: 2, PerKey: true, Fault: FaultStatus})
	var got []int
	for _, key := range []string{"a", "a", "b", "a", "b", "a"} {
		status, _, err := get(t, p.URL()+"/bucket/"+key)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, status)
	}
	if jsonOf(got) != "[200,503,200,200,503,503]" { // every 2nd request of each key
		t.Fatalf("statuses %v", got)
	}
	st := p.Stats()
	if st.Requests != 6 || st.Faults != 3 || st.ByKey["a"].Requests[OpGet] != 4 || st.ByOp[OpGet] != 6 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSkipAndTimes(t *testing.T) {
	p := startProxy(t, Rule{Skip: 1, Times: 2, Fault: FaultNotFound})
	var got []int
	for i := 0; i < 5; i++ {
		status, _, _ := get(t, p.URL()+"/bucket/k")
		got = append(got, status)
	}
	if jsonOf(got) != "[200,404,404,200,200]" {
		t.Fatalf("statuses %v", got)
	}
}

func TestBodyFaultsBreakTheResponse(t *testing.T) {
	cases := map[string]Rule{
		"reset before headers":  {Fault: FaultReset},
		"reset mid-body":        {Fault: FaultResetBody, AfterBytes: 10},
		"longer Content-Length": {Fault: FaultWrongLength},
		"stall mid-body":        {Fault: FaultStallBody, AfterBytes: 5},
		"stall":                 {Fault: FaultStall},
	}
	for name, rule := range cases {
		t.Run(name, func(t *testing.T) {
			p := startProxy(t, rule)
			_, body, err := get(t, p.URL()+"/bucket/k")
			if err == nil {
				t.Fatalf("want a failed read, got body %q", body)
			}
			if rule.Fault == FaultResetBody && body != objectBody[:10] {
				t.Fatalf("want the first 10 bytes before the reset, got %q (%v)", body, err)
			}
		})
	}
}

func TestShorterContentLengthTruncatesTheBody(t *testing.T) {
	p := startProxy(t, Rule{Fault: FaultWrongLength, LengthDelta: -6})
	_, body, err := get(t, p.URL()+"/bucket/k")
	if err != nil || body != objectBody[:30] {
		t.Fatalf("want the first 30 bytes, got %q, %v", body, err)
	}
}

func TestDelayAddsLatency(t *testing.T) {
	p := startProxy(t, Rule{Fault: FaultDelay, DelayMS: 200})
	start := time.Now()
	if _, body, err := get(t, p.URL()+"/bucket/k"); err != nil || body != objectBody {
		t.Fatal(body, err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Fatalf("answered after %s, want at least 200ms", d)
	}
}

func TestLastModifiedRewrite(t *testing.T) {
	p := startProxy(t, Rule{Fault: FaultLastModified, Key: "b/*", LastModified: "2030-05-06T07:08:09Z"})
	_, body, err := get(t, p.URL()+"/bucket?list-type=2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "<Key>b/y.parquet</Key><LastModified>2030-05-06T07:08:09.000Z</LastModified>") ||
		!strings.Contains(body, "<Key>a/x.parquet</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>") {
		t.Fatalf("listing not rewritten as asked: %s", body)
	}
}

func TestKillRefusesConnectionsUntilRevive(t *testing.T) {
	p := startProxy(t)
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := get(t, p.URL()+"/bucket/k"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("want connection refused, got %v", err)
	}
	if err := p.Revive(); err != nil {
		t.Fatal(err)
	}
	if status, _, err := get(t, p.URL()+"/bucket/k"); err != nil || status != 200 {
		t.Fatalf("after revive: %d %v", status, err)
	}
}

func TestInvalidRulesAreNamed(t *testing.T) {
	p := startProxy(t)
	for rule, want := range map[*Rule]string{
		{Fault: "explode"}:                      `rule.fault "explode"`,
		{Fault: FaultStatus, Status: 200}:       "rule.status 200",
		{Fault: FaultStatus, Op: "post"}:        `rule.op "post"`,
		{Fault: FaultLastModified}:              "rule.last_modified",
		{Fault: FaultDelay, Key: "["}:           "rule.key",
		{Fault: FaultResetBody, AfterBytes: -1}: "rule.after_bytes",
	} {
		if err := p.SetRules(*rule); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
}

func TestControlAPI(t *testing.T) {
	p := startProxy(t)
	api := httptest.NewServer(p.ControlHandler())
	defer api.Close()
	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, api.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := do("PUT", "/rules", `[{"op":"get","fault":"status","status":500,"code":"InternalError"}]`); code != 200 || !strings.Contains(body, "InternalError") {
		t.Fatalf("PUT /rules: %d %s", code, body)
	}
	if status, _, _ := get(t, p.URL()+"/bucket/k"); status != 500 {
		t.Fatalf("rule not applied: %d", status)
	}
	if code, body := do("POST", "/rules", `{"fault":"delay","delay_ms":1,"bogus":1}`); code != 400 || !strings.Contains(body, "bogus") {
		t.Fatalf("unknown rule field must be rejected: %d %s", code, body)
	}
	if code, body := do("GET", "/stats", ""); code != 200 || !strings.Contains(body, `"requests":1`) {
		t.Fatalf("GET /stats: %d %s", code, body)
	}
	do("DELETE", "/rules", "")
	do("DELETE", "/stats", "")
	if status, _, _ := get(t, p.URL()+"/bucket/k"); status != 200 {
		t.Fatalf("rules not cleared: %d", status)
	}
	if code, _ := do("POST", "/kill", ""); code != 200 {
		t.Fatal("kill failed")
	}
	if _, _, err := get(t, p.URL()+"/bucket/k"); err == nil {
		t.Fatal("killed proxy answered")
	}
	if code, body := do("POST", "/revive", ""); code != 200 || !strings.Contains(body, p.URL()) {
		t.Fatalf("revive: %d %s", code, body)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
