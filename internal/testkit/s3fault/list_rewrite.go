package s3fault

import (
	"html"
	"path"
	"regexp"
	"time"
)

var (
	contentsRe     = regexp.MustCompile(`(?s)<Contents>.*?</Contents>`)
	keyRe          = regexp.MustCompile(`(?s)<Key>(.*?)</Key>`)
	lastModifiedRe = regexp.MustCompile(`(?s)<LastModified>.*?</LastModified>`)
)

// rewriteLastModified sets <LastModified> of every listed key matching a rule's Key glob
// (the last matching rule wins) in a ListObjects(V2) response body.
func rewriteLastModified(body []byte, rules []Rule) []byte {
	return contentsRe.ReplaceAllFunc(body, func(entry []byte) []byte {
		m := keyRe.FindSubmatch(entry)
		if m == nil {
			return entry
		}
		key := html.UnescapeString(string(m[1]))
		var when string
		for _, r := range rules {
			if ok, _ := path.Match(r.Key, key); ok || r.Key == "" {
				t, _ := time.Parse(time.RFC3339, r.LastModified)
				when = t.UTC().Format("2006-01-02T15:04:05.000Z")
			}
		}
		if when == "" {
			return entry
		}
		return lastModifiedRe.ReplaceAll(entry, []byte("<LastModified>"+when+"</LastModified>"))
	})
}
