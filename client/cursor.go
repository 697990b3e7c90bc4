package client

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/cloudquery/plugin-sdk/v4/schema"
)

// The incremental cursor of one table (docs/using.md, "Incremental sync"): which objects a sync must
// read, given what earlier syncs delivered, and what it leaves for the next one.
//
// S3's LastModified has one-second resolution and is fixed before an object becomes visible
// (for a multipart upload, when the upload began), so "newer than the newest object delivered"
// misses objects that appear late with an older timestamp. The cursor therefore keeps a
// window: every object whose LastModified is at or before WindowStart counts as delivered;
// inside the window (after WindowStart), an object counts as delivered only if its key and
// ETag are in Seen. WindowStart trails the newest LastModified delivered by the lookback
// (spec.incremental_lookback) and never moves back.

const (
	// cursorVersion is the "v" of the state value this plugin writes.
	cursorVersion = 1
	// maxSeenObjects bounds one table's Seen, and so its state value (about 32 bytes an
	// entry: some 3.2 MB at the bound). Past it the oldest seconds leave the window early.
	maxSeenObjects = 100_000
	// seenDigestBytes of SHA-256(key, ETag) identify an object version in Seen.
	seenDigestBytes = 12
)

// cursorKey is the state key of a table's cursor.
func cursorKey(bucket, table string) string { return "s3/" + bucket + "/" + table + "/cursor" }

// legacyCursorKey is where the plugin this one replaces kept its cursor: an RFC 3339 time,
// the newest LastModified it had read; it read only objects strictly newer.
func legacyCursorKey(bucket, table string) string {
	return "s3/" + bucket + "/" + table + "/last_modified_cursor"
}

// tableCursor is a table's incremental state.
type tableCursor struct {
	// LastModified is the newest LastModified of the objects delivered.
	LastModified time.Time `json:"last_modified"`
	// WindowStart: objects at or before it count as delivered.
	WindowStart time.Time `json:"window_start"`
	// Columns fingerprints the table's columns when the cursor was written ("" when
	// unknown): if they change, the destination may have recreated the table.
	Columns string `json:"columns,omitempty"`
	// Shards is the table's shards value when the cursor was written (shard_state.go): ""
	// for a bucket never synced in shards.
	Shards string `json:"shards,omitempty"`
	// Seen maps seenDigest(key, ETag) of each object delivered after WindowStart to its
	// LastModified in Unix seconds.
	Seen map[string]int64 `json:"seen"`
	// Known is a Bloom filter of the objects listed at or before WindowStart when the cursor
	// was written (known_objects.go); "" in cursors of earlier versions of this plugin.
	Known string `json:"known,omitempty"`
	known []byte // Known, decoded
}

// stateValue is the JSON a cursor is stored as.
type stateValue struct {
	V int `json:"v"`
	tableCursor
}

func seenDigest(key, etag string) string {
	sum := sha256.Sum256([]byte(key + "\x00" + etag))
	return base64.RawURLEncoding.EncodeToString(sum[:seenDigestBytes])
}

// columnsFingerprint identifies a table's columns: names, types and NOT NULL, in order.
func columnsFingerprint(cols schema.ColumnList) string {
	h := sha256.New()
	for _, c := range cols {
		fmt.Fprintf(h, "%s\x00%s\x00%t\x00", c.Name, c.Type, c.NotNull)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// parseCursor decodes a state value this plugin wrote. Anything else is an error: a cursor
// that cannot be trusted could skip objects never delivered, or deliver them twice.
func parseCursor(value string) (*tableCursor, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(value)))
	dec.DisallowUnknownFields()
	var v stateValue
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not a cursor of this plugin: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not a cursor of this plugin: data after the JSON object")
	}
	switch {
	case v.V != cursorVersion:
		return nil, fmt.Errorf("cursor version %d, this plugin reads version %d (was it written by a newer version?)", v.V, cursorVersion)
	case v.LastModified.IsZero() || v.WindowStart.IsZero():
		return nil, errors.New("cursor without last_modified or window_start")
	case v.WindowStart.After(v.LastModified):
		return nil, fmt.Errorf("cursor window_start %s is after its last_modified %s", v.WindowStart.Format(time.RFC3339), v.LastModified.Format(time.RFC3339))
	}
	for d := range v.Seen {
		if raw, err := base64.RawURLEncoding.DecodeString(d); err != nil || len(raw) != seenDigestBytes {
			return nil, fmt.Errorf("cursor has a malformed seen entry %q", d)
		}
	}
	if v.Seen == nil {
		v.Seen = map[string]int64{}
	}
	if v.Known != "" {
		var err error
		if v.known, err = parseKnown(v.Known); err != nil {
			return nil, err
		}
	}
	return &v.tableCursor, nil
}

// parseLegacyCursor reads the replaced plugin's cursor: it delivered every object up to and
// including that time, and nothing is known after it.
func parseLegacyCursor(value string) (*tableCursor, error) {
	t, err := time.Parse(time.RFC3339Nano, value)
	if err != nil {
		return nil, fmt.Errorf("not an RFC 3339 time: %w", err)
	}
	t = t.UTC().Truncate(time.Second)
	return &tableCursor{LastModified: t, WindowStart: t, Seen: map[string]int64{}}, nil
}

// encode is the state value of c (deterministic: encoding/json sorts map keys).
func (c *tableCursor) encode() string {
	out, _ := json.Marshal(stateValue{V: cursorVersion, tableCursor: *c})
	return string(out)
}

// wants reports whether a sync must read obj. A nil cursor (no state) wants everything.
func (c *tableCursor) wants(obj *parquetObject) bool {
	if c == nil {
		return true
	}
	if !lastModifiedSecond(obj).After(c.WindowStart) {
		return false
	}
	_, seen := c.Seen[seenDigest(obj.Key, obj.ETag)]
	return !seen
}

// late reports an object the cursor leaves out (wants is false) that no earlier sync saw: its
// LastModified is at or before the window start, yet it was not listed when the cursor was
// written. Cursors without a known filter (earlier versions) cannot tell: never late.
func (c *tableCursor) late(obj *parquetObject) bool {
	if c == nil || c.known == nil || lastModifiedSecond(obj).After(c.WindowStart) {
		return false
	}
	return !knownContains(c.known, obj)
}

// advance is the cursor after a sync that delivered (or skipped, as the summary says) every
// object in read: those join Seen, the window moves with the newest LastModified (never
// back), and entries that left the window are dropped. narrowed reports that Seen was over
// maxSeenObjects, so WindowStart moved further than the lookback alone would move it.
func (c *tableCursor) advance(read []*parquetObject, lookback time.Duration, columns string) (next *tableCursor, narrowed bool) {
	next = &tableCursor{Columns: columns, Seen: map[string]int64{}}
	if c != nil {
		next.LastModified, next.WindowStart = c.LastModified, c.WindowStart
		maps.Copy(next.Seen, c.Seen)
	}
	for _, obj := range read {
		lm := lastModifiedSecond(obj)
		if lm.After(next.LastModified) {
			next.LastModified = lm
		}
		next.Seen[seenDigest(obj.Key, obj.ETag)] = lm.Unix()
	}
	if next.LastModified.IsZero() {
		return nil, false // nothing ever delivered: no state to keep
	}
	if start := next.LastModified.Add(-lookback).Truncate(time.Second); c == nil || start.After(next.WindowStart) {
		next.WindowStart = start
	}
	if len(next.Seen) > maxSeenObjects {
		next.WindowStart, narrowed = newestDroppedSecond(next.Seen, next.WindowStart), true
	}
	maps.DeleteFunc(next.Seen, func(_ string, lm int64) bool { return lm <= next.WindowStart.Unix() })
	return next, narrowed
}

// lastModifiedSecond is obj's LastModified in whole seconds (S3's resolution; some
// S3-compatible stores report milliseconds, which the cursor ignores).
func lastModifiedSecond(obj *parquetObject) time.Time {
	return obj.LastModified.UTC().Truncate(time.Second)
}

// newestDroppedSecond is the window start that keeps the newest whole seconds of seen that fit
// in maxSeenObjects (an object is never half in a second: all of a second's entries go together).
func newestDroppedSecond(seen map[string]int64, start time.Time) time.Time {
	perSecond := map[int64]int{}
	for _, lm := range seen {
		perSecond[lm]++
	}
	seconds := slices.Sorted(maps.Keys(perSecond))
	kept := 0
	for i := len(seconds) - 1; i >= 0; i-- {
		if kept+perSecond[seconds[i]] > maxSeenObjects {
			if t := time.Unix(seconds[i], 0).UTC(); t.After(start) {
				return t
			}
			return start
		}
		kept += perSecond[seconds[i]]
	}
	return start
}
