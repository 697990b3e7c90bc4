package client

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/cloudquery/plugin-sdk/v4/types"
	"github.com/google/uuid"
)

// CloudQuery's own columns (docs/using.md, "CloudQuery's columns").
//
// The CLI adds _cq_sync_time and _cq_source_name to every record, unless the source's schema
// already has them: then it keeps the source's values (cli/v6 internal/transformer). Parquet
// exported by CloudQuery's file and S3 destinations has both, holding the exporting sync's
// values, and overwrite-delete-stale's DELETESTALE (rows of this source older than this sync)
// would then delete every imported row. So every inherited `_cq_*` column is renamed
// `upstream_cq_*` (in any case: `_CQ_ID` → `upstream_cq_id`, since destinations that fold case
// see `_cq_id`), and the plugin adds its own `_cq_id`: the primary key, as plugin-sdk's
// AddCqIDs makes it for tables without one, with a value derived from the row's object
// version and position, so re-reading an object upserts the same rows.

// cqPrefix starts every column name CloudQuery reserves.
const cqPrefix = "_cq_"

// upstreamPrefix is prepended to an inherited `_cq_*` column: `_cq_id` → `upstream_cq_id`.
const upstreamPrefix = "upstream"

// addCloudQueryColumns renames the table's inherited `_cq_*` columns, puts the plugin's `_cq_id`
// first, and marks the table incremental (the CLI then skips DELETESTALE for it when a state
// backend is configured, because an incremental sync does not send rows it sent before).
func addCloudQueryColumns(t *discoveredTable) error {
	names := make(map[string]bool, len(t.Table.Columns))
	for _, c := range t.Table.Columns {
		names[strings.ToLower(c.Name)] = true
	}
	cols := make(schema.ColumnList, 0, len(t.Table.Columns)+1)
	cols = append(cols, rowIDColumn())
	for _, c := range t.Table.Columns {
		if strings.HasPrefix(strings.ToLower(c.Name), cqPrefix) {
			renamed := upstreamPrefix + strings.ToLower(c.Name)
			if names[renamed] {
				return fmt.Errorf("table %s: %s has columns %q and %q: CloudQuery reserves %q, so this plugin renames the file's %q to %q, which is taken; rename one of them",
					t.Table.Name, t.Objects[0].Key, c.Name, renamed, c.Name, c.Name, renamed)
			}
			c.Name = renamed
			if inheritedUUIDs[renamed] && c.Type.ID() == arrow.STRING {
				c.Type = types.ExtensionTypes.UUID // CloudQuery's Parquet exports write its uuids as text
			}
			c.Description = strings.TrimSpace("The file's own " + strings.TrimPrefix(renamed, upstreamPrefix) + " column (CloudQuery reserves the name). " + c.Description)
		}
		cols = append(cols, c)
	}
	t.Table.Columns = cols
	t.Table.IsIncremental = true
	return nil
}

// inheritedUUIDs are the renamed CloudQuery columns that hold uuids.
var inheritedUUIDs = map[string]bool{upstreamPrefix + "_cq_id": true, upstreamPrefix + "_cq_parent_id": true}

// rowIDColumn is plugin-sdk's _cq_id (uuid, NOT NULL, unique), as the primary key.
func rowIDColumn() schema.Column {
	c := schema.CqIDColumn
	c.PrimaryKey = true
	c.Description = "Row id: a hash of the bucket, the object key, its ETag and the row's position in the object (the same object version always gives the same ids)"
	return c
}

// hasRowID reports whether a record schema starts with the plugin's _cq_id.
func hasRowID(sc *arrow.Schema) bool {
	return sc.NumFields() > 0 && sc.Field(0).Name == schema.CqIDColumn.Name
}

// dataSchema is a table's record schema without the plugin's _cq_id: the columns an object decodes to.
func dataSchema(sc *arrow.Schema) *arrow.Schema {
	if !hasRowID(sc) {
		return sc
	}
	md := sc.Metadata()
	return arrow.NewSchema(sc.Fields()[1:], &md)
}

// rowIDBytes is what _cq_id adds to a record, per row.
const rowIDBytes = 16

// rowIDs makes the _cq_id values of one object version's rows. The first 16 bytes of
// SHA-256(bucket, key, ETag) identify the version; the row number is added to the low 64 bits,
// so the rows of one version never collide, and ids of different versions collide with
// negligible probability. Version 8 (custom) and the RFC 9562 variant are set.
type rowIDs struct {
	base [16]byte
}

func newRowIDs(bucket string, obj *parquetObject) *rowIDs {
	h := sha256.New()
	for _, part := range []string{bucket, obj.Key, obj.ETag} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	var r rowIDs
	copy(r.base[:], h.Sum(nil))
	return &r
}

// id is the _cq_id of row `row` (0-based) of the object.
func (r *rowIDs) id(row int64) uuid.UUID {
	var id uuid.UUID
	r.put(id[:], row)
	return id
}

// put writes the _cq_id of row `row` into dst[:16]: the version's high half with the version
// bits set, then the low half plus the row with the variant bits set.
func (r *rowIDs) put(dst []byte, row int64) {
	copy(dst[:8], r.base[:8])
	dst[6] = dst[6]&0x0f | 0x80 // version 8
	binary.BigEndian.PutUint64(dst[8:16], binary.BigEndian.Uint64(r.base[8:])+uint64(row))
	dst[8] = dst[8]&0x3f | 0x80 // variant 10
}

// array is the _cq_id column of rows first … first+n-1, written straight into one buffer:
// the high half is the same for every row, so it is made once and copied.
// The caller releases it.
func (r *rowIDs) array(first, n int64) arrow.Array {
	buf := memory.NewResizableBuffer(memory.DefaultAllocator)
	defer buf.Release()
	buf.Resize(int(n) * rowIDBytes)
	out := buf.Bytes()
	if n > 0 {
		r.put(out, first)
	}
	high, low := out[:min(n, 1)*8], binary.BigEndian.Uint64(r.base[8:])+uint64(first)
	for i := int64(1); i < n; i++ {
		at := out[i*rowIDBytes : (i+1)*rowIDBytes]
		copy(at, high)
		binary.BigEndian.PutUint64(at[8:], low+uint64(i))
		at[8] = at[8]&0x3f | 0x80
	}
	data := array.NewData(&arrow.FixedSizeBinaryType{ByteWidth: rowIDBytes}, int(n), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	storage := array.NewFixedSizeBinaryData(data)
	defer storage.Release()
	return array.NewExtensionArrayWithStorage(types.ExtensionTypes.UUID, storage)
}
