package client

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/cloudquery/plugin-sdk/v4/plugin"
)

// Sharding (docs/scale.md, "Sharding a bucket over N processes"): `cloudquery sync --shard NUM/TOTAL` runs one of
// TOTAL syncs that together deliver the bucket once. The CLI passes the shard only to Sync
// (SyncOptions.Shard), never to Init, so every shard discovers the whole bucket — the same
// listing, the same footers, the same tables and columns — and then reads only the objects
// it owns. An object's owner depends on its key alone (shardOf), not on listing order or
// on what else is in the bucket, so it is the same on every run with the same TOTAL.

// shard is the part of the bucket one Sync delivers: number num of total, counted from 1.
// The zero value is not valid; unsharded is {1, 1}.
type shard struct{ num, total int }

var unsharded = shard{num: 1, total: 1}

// parseShard checks the Sync's shard. The CLI rejects `--shard 0/4` and `5/4` itself, but
// any gRPC client can send them: nothing is sent before this check.
func parseShard(s *plugin.Shard) (shard, error) {
	switch {
	case s == nil:
		return unsharded, nil
	case s.Total < 1:
		return shard{}, fmt.Errorf("invalid shard %d/%d: the shard total must be at least 1 (shards are NUM/TOTAL with 1 <= NUM <= TOTAL, e.g. `cloudquery sync --shard 1/4`)", s.Num, s.Total)
	case s.Num < 1 || s.Num > s.Total:
		return shard{}, fmt.Errorf("invalid shard %d/%d: the shard number must be from 1 to %d (shards are NUM/TOTAL with 1 <= NUM <= TOTAL, e.g. `cloudquery sync --shard 1/4`)", s.Num, s.Total, s.Total)
	}
	return shard{num: int(s.Num), total: int(s.Total)}, nil
}

func (s shard) String() string { return fmt.Sprintf("%d/%d", s.num, s.total) }

func (s shard) sharded() bool { return s.total > 1 }

// owns reports whether key belongs to this shard.
func (s shard) owns(key string) bool { return shardOf(key, s.total) == s.num }

// shardOf is the shard (1..total) that owns an object: 1 + the first 8 bytes of SHA-256 of
// its key, read as a big-endian unsigned integer, modulo total. SHA-256 spreads keys that
// differ in a digit as evenly as random ones, and anyone can recompute an object's shard.
func shardOf(key string, total int) int {
	sum := sha256.Sum256([]byte(key))
	return int(binary.BigEndian.Uint64(sum[:8])%uint64(total)) + 1
}

// tables returns the tables with only the objects this shard owns. Every table stays,
// with its columns from discovery of the whole bucket, even when this shard owns none of
// its objects: all shards declare the same tables and columns, so their migrations agree.
func (s shard) tables(tables []*discoveredTable) []*discoveredTable {
	out := make([]*discoveredTable, len(tables))
	for i, t := range tables {
		own := t.withObjects(nil)
		for _, obj := range t.Objects {
			if s.owns(obj.Key) {
				own.Objects = append(own.Objects, obj)
			}
		}
		out[i] = own
	}
	return out
}

// skipped returns the discovery skips of this shard's objects: each shard's summary counts
// only its own, so the shards' summaries add up to the bucket's.
func (s shard) skipped(skipped []skippedObject) []skippedObject {
	if !s.sharded() {
		return skipped
	}
	var out []skippedObject
	for _, sk := range skipped {
		if s.owns(sk.Key) {
			out = append(out, sk)
		}
	}
	return out
}

func countObjects(tables []*discoveredTable) int {
	n := 0
	for _, t := range tables {
		n += len(t.Objects)
	}
	return n
}
