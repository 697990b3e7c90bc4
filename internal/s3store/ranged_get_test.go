package s3store

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckContentRange(t *testing.T) {
	cases := []struct {
		header       string
		off, end, sz int64
		want         string // "" = accepted
		sizeChanged  bool
	}{
		{"bytes 100-199/1000", 100, 199, 1000, "", false},
		{"", 0, 999, 1000, "", false}, // the whole object, answered 200 without a range
		{"", 100, 199, 1000, "ignored the Range header", false},
		{"bytes 100-199/2000", 100, 199, 1000, "size differs from the listing", true},
		{"bytes 0-99/1000", 100, 199, 1000, "asked for bytes 100-199", false},
		{"bytes */1000", 100, 199, 1000, "unexpected Content-Range", false},
	}
	for _, c := range cases {
		err := checkContentRange(c.header, c.off, c.end, c.sz)
		switch {
		case c.want == "" && err != nil, c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q for %d-%d/%d: want %q, got %v", c.header, c.off, c.end, c.sz, c.want, err)
		case errors.Is(err, ErrObjectSizeChanged) != c.sizeChanged:
			t.Errorf("%q: size-changed is %v, want %v", c.header, !c.sizeChanged, c.sizeChanged)
		}
	}
}
