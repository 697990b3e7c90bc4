package client

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/state"
	"github.com/rs/zerolog"
)

// stateMessageBytes bounds the bytes of one state message (plus one value): plugin-sdk's
// state client sends every value set since its last Flush in one gRPC message of at most
// 100 MiB, and a message too large fails every later Flush too (it keeps what it could not
// send). A cursor is at most about 7 MiB (maxSeenObjects and the known filter); a schema
// manifest takes about 120 bytes a column.
const stateMessageBytes = 8 << 20

// connectState opens the state backend of backend_options (a variable so tests can use an
// in-memory one).
var connectState = state.NewConnectedClient

// incremental is one Sync's use of the state backend: the cursor of each selected table
// (cursor.go), the objects each must read, and, once the Sync has sent every row, the
// cursors it leaves. A nil *incremental is a full sync (no backend_options).
type incremental struct {
	st       state.Client
	backend  string // backend_options.table_name, for messages
	bucket   string
	lookback time.Duration
	shard    shard
	logger   zerolog.Logger
	tables   []*tableProgress
}

// tableProgress is one table's cursor and what this sync reads of it.
type tableProgress struct {
	name    string
	columns string
	stored  string       // the cursor's value as loaded ("" when there was none)
	cursor  *tableCursor // nil: no usable state, read every object
	legacy  bool         // the cursor came from the replaced plugin's key
	read    []*parquetObject
	listed  []*parquetObject // every object of the table (this shard's part) in this sync
	// shards is the table's shards value for this sync, storedShards the one it found
	// (shard_state.go).
	shards, storedShards string
}

// openState connects to the state backend of backend_options, or returns nil (a full sync)
// when none is configured.
func openState(ctx context.Context, opts *plugin.BackendOptions) (state.Client, error) {
	if opts == nil || (opts.TableName == "" && opts.Connection == "") {
		return nil, nil
	}
	st, err := connectState(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("state backend (backend_options table_name %q, connection %q): %w", opts.TableName, opts.Connection, err)
	}
	return st, nil
}

// openIncremental loads the cursors of the selected tables from st, or returns nil (a full
// sync) when st is nil. A state value it cannot trust fails the Sync before any message is
// sent, naming the key and what to do; the caller closes st then.
func openIncremental(ctx context.Context, st state.Client, opts *plugin.BackendOptions, spec *Settings, tables []*discoveredTable, sh shard, logger zerolog.Logger) (*incremental, error) {
	if st == nil {
		return nil, nil
	}
	inc := &incremental{st: st, backend: opts.TableName, bucket: spec.Bucket, lookback: spec.IncrementalLookback, shard: sh, logger: logger}
	for _, t := range tables {
		p, err := inc.load(ctx, t)
		if err != nil {
			return nil, err
		}
		inc.tables = append(inc.tables, p)
	}
	return inc, nil
}

func (inc *incremental) load(ctx context.Context, t *discoveredTable) (*tableProgress, error) {
	p := &tableProgress{name: t.Table.Name, columns: columnsFingerprint(t.Table.Columns)}
	if err := inc.loadShards(ctx, p); err != nil {
		return nil, err
	}
	key, legacyKey := inc.shard.cursorKey(inc.bucket, p.name), legacyCursorKey(inc.bucket, p.name)
	value, err := inc.st.GetKey(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("table %s: reading state key %s: %w", p.name, key, err)
	}
	parse := parseCursor
	if value == "" && !inc.shard.sharded() {
		if value, err = inc.st.GetKey(ctx, legacyKey); err != nil {
			return nil, fmt.Errorf("table %s: reading state key %s: %w", p.name, legacyKey, err)
		}
		key, parse, p.legacy = legacyKey, parseLegacyCursor, value != ""
	}
	p.stored = value
	if value == "" {
		if p.shards != p.storedShards && (p.storedShards != "" || inc.hasUnshardedCursor(ctx, p.name)) {
			logShardsChange(inc.logger, p.name, inc.shard, p.storedShards, p.shards)
		}
		return p, nil // first incremental sync of this table (by this shard)
	}
	if p.cursor, err = parse(value); err != nil {
		return nil, fmt.Errorf("table %s: state key %s in backend table %s cannot be used (%v): delete that row from %s to read the table in full on the next sync",
			p.name, key, inc.backend, err, inc.backend)
	}
	if p.cursor.Columns != "" && p.cursor.Columns != p.columns {
		inc.logger.Warn().Str("table", p.name).Str("state_key", key).
			Msg("the table's columns changed since its cursor was written (the destination may have recreated it): reading every object again")
		p.cursor = nil
	}
	if p.cursor != nil && p.cursor.Shards != p.shards {
		logShardsChange(inc.logger, p.name, inc.shard, p.storedShards, p.shards)
		p.cursor, p.legacy = nil, false
	}
	return p, nil
}

// loadShards reads the table's shards value and derives this sync's (shard_state.go).
func (inc *incremental) loadShards(ctx context.Context, p *tableProgress) error {
	key := shardsKey(inc.bucket, p.name)
	stored, err := inc.st.GetKey(ctx, key)
	if err != nil {
		return fmt.Errorf("table %s: reading state key %s: %w", p.name, key, err)
	}
	if p.shards, err = nextShards(stored, inc.shard.total); err != nil {
		return fmt.Errorf("table %s: state key %s in backend table %s cannot be used (%v): delete that row from %s to read the table in full on the next sync",
			p.name, key, inc.backend, err, inc.backend)
	}
	p.storedShards = stored
	return nil
}

// plan returns the tables to sync with only the objects the cursors want (the same tables,
// unchanged, for a full sync), and how many objects it left out: unchanged (an earlier sync
// saw them) and tooLate (they appeared with a LastModified at or before the window start, so
// no incremental sync reads them; each is warned about with its key, in this sync only). It
// never changes the tables it is given.
func (inc *incremental) plan(tables []*discoveredTable) (toRead []*discoveredTable, unchanged, tooLate int) {
	if inc == nil {
		return tables, 0, 0
	}
	out := make([]*discoveredTable, len(tables))
	for i, t := range tables {
		p := inc.tables[i]
		p.listed = t.Objects
		late := 0
		for _, obj := range t.Objects {
			switch {
			case p.cursor.wants(obj):
				p.read = append(p.read, obj)
			case p.cursor.late(obj):
				late++
				inc.logger.Warn().Str("table", p.name).Str("key", obj.Key).Time("last_modified", obj.LastModified).Time("window_start", p.cursor.WindowStart).
					Msg("object appeared with a LastModified at or before the table's window start: incremental syncs never read it (raise spec.incremental_lookback above your longest upload; delete the table's state row to read the table in full)")
			}
		}
		unchanged += len(t.Objects) - len(p.read) - late
		tooLate += late
		ev := inc.logger.Info().Str("table", p.name).Int("objects", len(t.Objects)).Int("objects_to_read", len(p.read))
		if p.cursor != nil {
			ev = ev.Time("window_start", p.cursor.WindowStart).Time("last_modified", p.cursor.LastModified).Bool("from_replaced_plugin", p.legacy)
		}
		ev.Msg("incremental sync")
		out[i] = t.withObjects(p.read)
	}
	return out, unchanged, tooLate
}

// commit stores every table's advanced cursor. Call it only once plugin-sdk sent every row
// of every object the Sync read (OnSyncFinish, sync_finish.go): a failed Sync leaves the cursors where they were, so the next
// Sync reads the same objects again. Only values that changed are written, in messages of at
// most stateMessageBytes: a sync of thousands of unchanged tables writes nothing.
func (inc *incremental) commit(ctx context.Context) error {
	if inc == nil {
		return nil
	}
	var pending []string // the tables whose values wait for the next flush
	bytes := 0
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := inc.st.Flush(ctx); err != nil {
			return fmt.Errorf("writing the cursors of table %s to the state backend (table %s): %w", namedTables(pending), inc.backend, err)
		}
		pending, bytes = nil, 0
		return nil
	}
	for _, p := range inc.tables {
		values, err := inc.advanced(p)
		if err != nil {
			return err
		}
		for key, value := range values {
			if err := inc.st.SetKey(ctx, key, value); err != nil {
				return fmt.Errorf("table %s: storing state key %s: %w", p.name, key, err)
			}
			bytes += len(key) + len(value)
		}
		if len(values) > 0 {
			pending = append(pending, p.name)
		}
		if bytes >= stateMessageBytes {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// advanced is the state values a table's commit changes: its advanced cursor, its shards
// value, and the replaced plugin's key, emptied.
func (inc *incremental) advanced(p *tableProgress) (map[string]string, error) {
	next, narrowed := p.cursor.advance(p.read, inc.lookback, p.columns)
	if next == nil {
		return nil, nil
	}
	if narrowed {
		inc.logger.Warn().Str("table", p.name).Int("limit", maxSeenObjects).Time("window_start", next.WindowStart).
			Msg("more objects than the cursor keeps were uploaded within spec.incremental_lookback: the window starts later than the lookback says (an object uploaded late before window_start would be missed)")
	}
	next.Shards = p.shards
	next.Known = knownFilter(p.listed, next.WindowStart)
	values := map[string]string{}
	if encoded := next.encode(); encoded != p.stored || p.legacy {
		values[inc.shard.cursorKey(inc.bucket, p.name)] = encoded
	}
	if p.shards != p.storedShards {
		values[shardsKey(inc.bucket, p.name)] = p.shards
	}
	if p.legacy { // read once: the new key replaces it
		values[legacyCursorKey(inc.bucket, p.name)] = ""
	}
	return values, nil
}

func (inc *incremental) close() {
	if inc != nil {
		_ = inc.st.Close()
	}
}

// namedTables is "t1", or "t1 and 3 more tables".
func namedTables(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return fmt.Sprintf("%s and %d more tables", names[0], len(names)-1)
}
