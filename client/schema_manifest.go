package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/cloudquery/plugin-sdk/v4/state"
	"github.com/rs/zerolog"
)

// The schema manifest (schema: sample with backend_options): for each table, the state key
// s3/<bucket>/<table>/schema holds the object version its sample is (key and ETag) and that
// footer's Arrow schema. A sync whose listing finds the same oldest object with the same ETag
// takes the schema from there instead of a GET, so a repeated sync of an unchanged bucket
// reads no footer, and N shards read each sample once between them, not N times, once one of
// them stored it before the others started (a sync reads the state once, when it connects:
// shards started together on a fresh state each read every sample, as test/postgres sees).
// The key does not depend on the shard: every shard of any total shares it.
// A different sample (the old one deleted or rewritten, an older object appeared) is read
// and stored again. The value is a cache of what the object says, never a decision: writing
// it cannot change what any sync declares, so it is stored as soon as it is read, and a
// failure to store it is logged, not fatal.

// schemaManifestFormat changes when the footer → Arrow mapping changes, so that a value
// written by another plugin version is read again rather than trusted.
const schemaManifestFormat = 1

// manifestFlushEvery bounds how many values one state message carries.
const manifestFlushEvery = 500

func schemaManifestKey(bucket, table string) string { return "s3/" + bucket + "/" + table + "/schema" }

type schemaManifest struct {
	Format int    `json:"format"`
	Key    string `json:"key"`
	ETag   string `json:"etag"`
	Schema string `json:"schema"` // base64 of an Arrow IPC stream with the schema and no batch
}

// schemaManifests is one Sync's use of the manifests; a nil one (no state backend) finds
// nothing and stores nothing.
type schemaManifests struct {
	st      state.Client
	bucket  string
	logger  zerolog.Logger
	mu      sync.Mutex
	pending int // values set since the last flush
	bytes   int // their keys' and values' bytes
}

func newSchemaManifests(st state.Client, bucket string, logger zerolog.Logger) *schemaManifests {
	if st == nil {
		return nil
	}
	return &schemaManifests{st: st, bucket: bucket, logger: logger}
}

// lookup sets obj.Schema from table's manifest if it describes obj's version, and reports whether it did.
func (m *schemaManifests) lookup(ctx context.Context, table string, obj *parquetObject) bool {
	if m == nil {
		return false
	}
	key := schemaManifestKey(m.bucket, table)
	value, err := m.st.GetKey(ctx, key)
	if err != nil || value == "" {
		return false
	}
	var man schemaManifest
	if err := json.Unmarshal([]byte(value), &man); err != nil || man.Format != schemaManifestFormat || man.Key != obj.Key || man.ETag != obj.ETag {
		return false // another object version, format or plugin version: read the footer
	}
	sc, err := decodeSchema(man.Schema)
	if err != nil {
		m.logger.Warn().Str("table", table).Str("state_key", key).Err(err).Msg("the table's schema manifest cannot be read: reading its sample's footer instead")
		return false
	}
	obj.Schema = sc
	return true
}

// store records obj, a sample whose footer was just read, as table's manifest.
func (m *schemaManifests) store(ctx context.Context, table string, obj *parquetObject) {
	if m == nil {
		return
	}
	encoded, err := encodeSchema(obj.Schema)
	if err != nil {
		m.logger.Debug().Str("table", table).Err(err).Msg("not storing the schema manifest")
		return
	}
	value, err := json.Marshal(schemaManifest{Format: schemaManifestFormat, Key: obj.Key, ETag: obj.ETag, Schema: encoded})
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := schemaManifestKey(m.bucket, table)
	if err := m.st.SetKey(ctx, key, string(value)); err != nil {
		m.logger.Warn().Str("table", table).Err(err).Msg("storing the schema manifest failed: the next sync reads the sample's footer again")
		return
	}
	m.bytes += len(key) + len(value)
	if m.pending++; m.pending >= manifestFlushEvery || m.bytes >= stateMessageBytes {
		m.flushLocked(ctx)
	}
}

// flush writes the values stored since the last flush.
func (m *schemaManifests) flush(ctx context.Context) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.flushLocked(ctx)
}

func (m *schemaManifests) flushLocked(ctx context.Context) {
	if m.pending == 0 {
		return
	}
	if err := m.st.Flush(ctx); err != nil {
		m.logger.Warn().Err(err).Int("manifests", m.pending).Msg("writing schema manifests to the state backend failed: the next sync reads those samples' footers again")
	}
	m.pending, m.bytes = 0, 0
}

// encodeSchema is sc as an Arrow IPC stream without batches, in base64. A schema that does not
// come back from that stream exactly (an unregistered extension type) is not encoded.
func encodeSchema(sc *arrow.Schema) (string, error) {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(sc))
	if err := w.Close(); err != nil {
		return "", err
	}
	encoded := base64.StdEncoding.EncodeToString(buf.Bytes())
	back, err := decodeSchema(encoded)
	if err != nil {
		return "", err
	}
	if !back.Equal(sc) {
		return "", fmt.Errorf("the schema does not survive Arrow IPC: %s", sc)
	}
	return encoded, nil
}

func decodeSchema(encoded string) (*arrow.Schema, error) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, err
	}
	r, err := ipc.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	defer r.Release()
	return r.Schema(), nil
}
