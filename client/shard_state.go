package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"

	"github.com/rs/zerolog"
)

// Incremental state of sharded syncs (docs/scale.md, "Incremental sync in shards"). Each shard keeps its own
// cursor per table, under a key that names the shard, so shards never read or advance each
// other's cursors. A cursor says which of *its shard's* objects were delivered, so it is
// worth nothing once TOTAL changes (objects move between shards): each table also has a
// shards value, "TOTAL:ID", naming the shard total its cursors belong to. Every change of
// TOTAL gives a new ID, derived from the previous value, so the shards of one run (which all
// read the same previous value) agree on it, and a cursor of an earlier run with the same
// TOTAL (4 shards, then 2, then 4 again) is not mistaken for a current one. A cursor whose
// shards value is not the table's current one is ignored: that shard reads every object it
// owns, once, and says so in the log. Unsharded syncs (and `--shard 1/1`) keep the key and
// state of an unsharded plugin; their shards value is "" until a sharded sync ran.

// shardsKey is the state key of a table's shards value.
func shardsKey(bucket, table string) string { return "s3/" + bucket + "/" + table + "/shards" }

// cursorKey is the state key of this shard's cursor of a table.
func (s shard) cursorKey(bucket, table string) string {
	if !s.sharded() {
		return cursorKey(bucket, table)
	}
	return fmt.Sprintf("s3/%s/%s/shard/%d-of-%d/cursor", bucket, table, s.num, s.total)
}

var shardsValuePattern = regexp.MustCompile(`^([1-9][0-9]*):[0-9a-f]{16}$`)

// shardsTotal is the shard total a stored shards value names ("" is 1: never sharded).
func shardsTotal(value string) (int, error) {
	if value == "" {
		return 1, nil
	}
	m := shardsValuePattern.FindStringSubmatch(value)
	if m == nil {
		return 0, fmt.Errorf("%q is not TOTAL:ID", value)
	}
	return strconv.Atoi(m[1])
}

// nextShards is the table's shards value for a sync with total shards, given the stored one:
// unchanged while the total is, a new one (the same for every shard) when it changes.
func nextShards(stored string, total int) (string, error) {
	storedTotal, err := shardsTotal(stored)
	if err != nil || storedTotal == total {
		return stored, err
	}
	sum := sha256.Sum256([]byte(stored + "\x00" + strconv.Itoa(total)))
	return strconv.Itoa(total) + ":" + hex.EncodeToString(sum[:8]), nil
}

// logShardsChange explains why a shard reads all its objects of a table: the shard total
// changed since the table's cursors were written, or this shard's cursor is from before.
func logShardsChange(logger zerolog.Logger, table string, s shard, stored, current string) {
	storedTotal, _ := shardsTotal(stored)
	ev := logger.Warn().Str("table", table).Str("shard", s.String()).Int("previous_shard_total", storedTotal)
	if storedTotal != s.total {
		ev.Msgf("the shard total changed from %d to %d since this table's cursors were written: objects moved between shards, so this shard reads every object of the table it owns (a full sync of its part; rows delivered before are upserted by _cq_id)", storedTotal, s.total)
		return
	}
	ev.Str("shards", current).Msg("this shard's cursor was written before the shard total last changed (objects moved between shards since): this shard reads every object of the table it owns (a full sync of its part)")
}

// hasUnshardedCursor reports whether unsharded syncs (this plugin's or the replaced one's)
// left a cursor of the table: then a first sharded sync is a change of the shard total.
func (inc *incremental) hasUnshardedCursor(ctx context.Context, table string) bool {
	for _, key := range []string{cursorKey(inc.bucket, table), legacyCursorKey(inc.bucket, table)} {
		if v, err := inc.st.GetKey(ctx, key); err == nil && v != "" {
			return true
		}
	}
	return false
}
