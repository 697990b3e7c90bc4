package s3fault

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP forwards one request, or answers it with the fault its rules chose.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, key := classify(r)
	a := p.decide(r.Method, op, key)
	if a.delay > 0 && !wait(r.Context(), a.stopped, a.delay) {
		panic(http.ErrAbortHandler) // a stopped server answers nothing: not even an empty 200
	}
	if a.fault == nil {
		p.forward(w, r, key, a.rewrites)
		return
	}
	switch f := a.fault; f.Fault {
	case FaultStatus:
		writeS3Error(w, cmp.Or(f.Status, http.StatusServiceUnavailable), cmp.Or(f.Code, "SlowDown"), key)
	case FaultNotFound:
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", key)
	case FaultReset:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			reset(conn)
		}
	case FaultStall:
		wait(r.Context(), a.stopped, 24*time.Hour)
		panic(http.ErrAbortHandler)
	case FaultSwap:
		p.forwardSwapped(w, r, key, f.SwapKey)
	default:
		p.forwardBroken(w, r, key, f, a.stopped)
	}
}

func (p *Proxy) roundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	out.URL.Scheme, out.URL.Host = p.upstream.Scheme, p.upstream.Host
	out.RequestURI = ""
	out.Host = r.Host // part of the signature
	return p.transport.RoundTrip(out)
}

// forward passes the request through, rewriting list responses when asked to.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, key string, rewrites []Rule) {
	resp, err := p.roundTrip(r)
	if err != nil {
		writeS3Error(w, http.StatusBadGateway, "BadGateway", key)
		return
	}
	defer resp.Body.Close()
	var body io.Reader = resp.Body
	if len(rewrites) > 0 && resp.StatusCode == http.StatusOK {
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			writeS3Error(w, http.StatusBadGateway, "BadGateway", key)
			return
		}
		raw = rewriteLastModified(raw, rewrites)
		resp.Header.Set("Content-Length", strconv.Itoa(len(raw)))
		body = bytes.NewReader(raw)
	}
	copyHeader(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(p.counting(w, key), body)
}

// forwardSwapped answers with the same range of object other, without the headers that name it.
func (p *Proxy) forwardSwapped(w http.ResponseWriter, r *http.Request, key, other string) {
	out := r.Clone(r.Context())
	out.URL.Path = strings.TrimSuffix(r.URL.Path, key) + other
	out.URL.RawPath = ""
	out.Header.Del("If-Match")
	resp, err := p.roundTrip(out)
	if err != nil {
		writeS3Error(w, http.StatusBadGateway, "BadGateway", key)
		return
	}
	defer resp.Body.Close()
	copyHeader(w.Header(), resp.Header)
	for h := range w.Header() {
		if h == "Etag" || strings.HasPrefix(strings.ToLower(h), "x-amz-checksum-") {
			w.Header().Del(h)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(p.counting(w, key), resp.Body)
}

// forwardBroken sends the upstream answer over the raw connection and breaks it as f says.
func (p *Proxy) forwardBroken(w http.ResponseWriter, r *http.Request, key string, f *Rule, stopped <-chan struct{}) {
	resp, err := p.roundTrip(r)
	if err != nil {
		writeS3Error(w, http.StatusBadGateway, "BadGateway", key)
		return
	}
	defer resp.Body.Close()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	p.trackHijacked(conn, true)
	defer p.trackHijacked(conn, false)

	declared, limit := resp.ContentLength, f.AfterBytes
	if f.Fault == FaultWrongLength {
		declared += cmp.Or(f.LengthDelta, 1000)
		limit = resp.ContentLength
	}
	bw := bufio.NewWriter(conn)
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	h := resp.Header.Clone()
	h.Del("Transfer-Encoding")
	h.Set("Content-Length", strconv.FormatInt(declared, 10))
	h.Set("Connection", "close")
	_ = h.Write(bw)
	_, _ = bw.WriteString("\r\n")
	_, _ = io.CopyN(p.counting(bw, key), resp.Body, max(limit, 0))
	_ = bw.Flush()

	switch f.Fault {
	case FaultResetBody:
		reset(conn)
	case FaultStallBody:
		gone := make(chan struct{})
		go func() { _, _ = io.Copy(io.Discard, conn); close(gone) }()
		select {
		case <-gone:
		case <-stopped:
		}
		reset(conn)
	default:
		_ = conn.Close()
	}
}

// reset closes a connection with a TCP RST instead of a FIN.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// wait sleeps d, or less if the client goes away or the proxy stops (then it returns false).
func wait(ctx context.Context, stopped <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-stopped:
	}
	return false
}

func writeS3Error(w http.ResponseWriter, status int, code, key string) {
	body := fmt.Sprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>injected by s3fault</Message><Key>%s</Key><RequestId>s3fault</RequestId></Error>", code, html.EscapeString(key))
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		if k == "Connection" || k == "Keep-Alive" || k == "Transfer-Encoding" {
			continue
		}
		dst[k] = append(dst[k][:0], vs...)
	}
}

// counting counts the bytes written to w for key before they are written: a client that has
// them finds them counted (counted after the copy, an object read at Init could still be
// counted after the test had reset the counters for the Sync). Bytes a failed write did not
// take are taken back.
func (p *Proxy) counting(w io.Writer, key string) io.Writer {
	return countingWriter{w: w, count: func(n int64) { p.countBytes(key, n) }}
}

type countingWriter struct {
	w     io.Writer
	count func(int64)
}

func (c countingWriter) Write(b []byte) (int, error) {
	c.count(int64(len(b)))
	n, err := c.w.Write(b)
	if n < len(b) {
		c.count(int64(n - len(b)))
	}
	return n, err
}
