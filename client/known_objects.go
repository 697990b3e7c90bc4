package client

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"
)

// The objects a table's cursor accounts for at or before its window start, kept as a Bloom
// filter (tableCursor.Known) so a sync can tell an object that appears there late — uploaded
// before the window start but visible only now, which an incremental sync never reads — from
// one an earlier sync saw: the first is counted as objects_too_late and warned about with its
// key, once. About 1.25 bytes an object (10 bits, 7 probes: under 1% of late objects pass as
// known), at most knownMaxBits bits (4 MiB) per table: past some 3.3 million objects before the
// window the share of late objects missed grows.

const (
	knownBitsPerObject = 10
	knownProbes        = 7
	knownMaxBits       = 32 << 20
)

// knownHashes are the two hashes the probes derive from (double hashing) for an object version.
func knownHashes(obj *parquetObject) (uint64, uint64) {
	sum := sha256.Sum256([]byte(obj.Key + "\x00" + obj.ETag))
	return binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16]) | 1
}

// knownFilter is the filter of every object in listed whose LastModified is at or before
// windowStart ("" when there is none).
func knownFilter(listed []*parquetObject, windowStart time.Time) string {
	var before []*parquetObject
	for _, obj := range listed {
		if !lastModifiedSecond(obj).After(windowStart) {
			before = append(before, obj)
		}
	}
	if len(before) == 0 {
		return ""
	}
	bits := min(max(uint64(len(before))*knownBitsPerObject, 64), knownMaxBits)
	bits = (bits + 7) &^ 7
	filter := make([]byte, bits/8)
	for _, obj := range before {
		h1, h2 := knownHashes(obj)
		for i := range uint64(knownProbes) {
			bit := (h1 + i*h2) % bits
			filter[bit/8] |= 1 << (bit % 8)
		}
	}
	return base64.RawURLEncoding.EncodeToString(filter)
}

// parseKnown checks a cursor's filter and returns its bytes.
func parseKnown(known string) ([]byte, error) {
	filter, err := base64.RawURLEncoding.DecodeString(known)
	if err != nil || len(filter) == 0 {
		return nil, fmt.Errorf("cursor has a malformed known filter")
	}
	return filter, nil
}

// knownContains reports whether obj may be in the filter (false: it certainly is not).
func knownContains(filter []byte, obj *parquetObject) bool {
	bits := uint64(len(filter)) * 8
	h1, h2 := knownHashes(obj)
	for i := range uint64(knownProbes) {
		bit := (h1 + i*h2) % bits
		if filter[bit/8]&(1<<(bit%8)) == 0 {
			return false
		}
	}
	return true
}
