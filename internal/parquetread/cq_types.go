package parquetread

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pqschema "github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/cloudquery/plugin-sdk/v4/types"
	"github.com/cq-source-s3/cq-source-s3/internal/arrowschema"
	"github.com/google/uuid"
)

// CloudQuery's types for values a Parquet file says more about than their storage (docs/using.md,
// "Types"). A top-level column becomes
//
//	Parquet UUID (FIXED_LEN_BYTE_ARRAY(16))  → CloudQuery uuid (PostgreSQL uuid)
//	Parquet JSON (BYTE_ARRAY)                → CloudQuery json (PostgreSQL jsonb)
//	a list of lists or maps (any list kind) → CloudQuery json: one JSON array per row. Destinations'
//	                                           arrays are flat (PostgreSQL's cannot hold a list per
//	                                           element: the whole write fails), JSON keeps every value
//
// and addCloudQueryColumns makes an inherited _cq_id or _cq_parent_id stored as utf8 (how
// CloudQuery's own Parquet exports write uuids) a uuid again. The decoder still returns the
// storage types; ConformValues converts each decoded record to the table's types.

// cloudQueryFields maps the top-level columns of sc, the Arrow schema read from a file whose
// Parquet schema is pq, to CloudQuery's types.
func cloudQueryFields(pq *pqschema.Schema, sc *arrow.Schema) *arrow.Schema {
	fields := sc.Fields()
	changed := false
	for i, f := range fields {
		if i >= pq.Root().NumFields() {
			break
		}
		if typ := cloudQueryType(pq.Root().Field(i), f.Type); typ != nil {
			if isNestedList(f.Type) && f.Metadata.FindKey(arrowschema.ConvertedFromKey) < 0 { // (a large_list was converted already)
				f.Metadata = arrowschema.WithMetadata(f.Metadata, arrowschema.ConvertedFromKey, f.Type.String())
			}
			f.Type = typ
			fields[i], changed = f, true
		}
	}
	if !changed {
		return sc
	}
	md := sc.Metadata()
	return arrow.NewSchema(fields, &md)
}

// cloudQueryType is the CloudQuery type of a top-level column, or nil to keep t.
func cloudQueryType(node pqschema.Node, t arrow.DataType) arrow.DataType {
	switch {
	case isNestedList(t):
		return types.ExtensionTypes.JSON
	case node.LogicalType().Equals(pqschema.UUIDLogicalType{}) && isUUIDStorage(t):
		return types.ExtensionTypes.UUID
	case node.LogicalType().Equals(pqschema.JSONLogicalType{}) && isJSONStorage(t):
		return types.ExtensionTypes.JSON
	}
	return nil
}

// isNestedList reports a list (of any kind, maps included) whose elements are lists or maps.
func isNestedList(t arrow.DataType) bool {
	l, ok := t.(arrow.ListLikeType)
	if !ok || t.ID() == arrow.MAP {
		return false
	}
	_, inner := l.Elem().(arrow.ListLikeType)
	return inner
}

func isUUIDStorage(t arrow.DataType) bool {
	if e, ok := t.(arrow.ExtensionType); ok { // arrow-go returns its own arrow.uuid for Parquet UUID
		t = e.StorageType()
	}
	fsb, ok := t.(*arrow.FixedSizeBinaryType)
	return ok && fsb.ByteWidth == 16
}

func isJSONStorage(t arrow.DataType) bool {
	return t.ID() == arrow.STRING || t.ID() == arrow.BINARY
}

// Conformable reports whether values decoded as got become values of the table's type want.
func Conformable(got, want arrow.DataType) bool {
	switch {
	case arrow.TypeEqual(got, want):
		return true
	case arrow.TypeEqual(want, types.ExtensionTypes.UUID):
		return isUUIDStorage(got) || got.ID() == arrow.STRING
	case arrow.TypeEqual(want, types.ExtensionTypes.JSON):
		return isJSONStorage(got) || isNestedList(got)
	}
	return false
}

// ConformValues converts the columns of rec (decoded rows) whose type differs from the table's
// (sc, without _cq_id) to the table's type. Values that are not what the type promises (a
// malformed UUID or JSON text) are content errors naming the column and the row.
// The caller releases the result.
func ConformValues(sc *arrow.Schema, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	var made []arrow.Array
	defer func() {
		for _, a := range made {
			a.Release()
		}
	}()
	cols := rec.Columns()
	var out []arrow.Array
	for i, col := range cols {
		want := sc.Field(i).Type
		if arrow.TypeEqual(col.DataType(), want) || col.DataType().ID() == arrow.NULL {
			continue
		}
		conv, err := conformArray(col, want)
		if err != nil {
			return nil, Skippable("a value does not match its column's type", fmt.Errorf("column %q: %w", sc.Field(i).Name, err))
		}
		if out == nil {
			out = append([]arrow.Array{}, cols...)
		}
		out[i] = conv
		made = append(made, conv)
	}
	if out == nil {
		rec.Retain()
		return rec, nil
	}
	fields := rec.Schema().Fields()
	for i := range out {
		fields[i].Type = out[i].DataType()
	}
	md := rec.Schema().Metadata()
	return array.NewRecordBatch(arrow.NewSchema(fields, &md), out, rec.NumRows()), nil
}

// conformArray converts col to want (Conformable(col.DataType(), want) holds).
func conformArray(col arrow.Array, want arrow.DataType) (arrow.Array, error) {
	switch {
	case arrow.TypeEqual(want, types.ExtensionTypes.UUID) && col.DataType().ID() == arrow.STRING:
		return uuidsFromText(col.(*array.String))
	case arrow.TypeEqual(want, types.ExtensionTypes.UUID):
		storage := col
		if e, ok := col.(array.ExtensionArray); ok {
			storage = e.Storage()
		}
		return array.NewExtensionArrayWithStorage(types.ExtensionTypes.UUID, storage), nil
	case isNestedList(col.DataType()):
		return jsonOfLists(col)
	default: // JSON text, in utf8 or binary
		data := col.Data()
		bin := array.NewBinaryData(array.NewData(arrow.BinaryTypes.Binary, data.Len(), data.Buffers(), nil, data.NullN(), data.Offset()))
		defer bin.Release()
		for r := 0; r < bin.Len(); r++ {
			if bin.IsValid(r) && !json.Valid(bin.Value(r)) {
				return nil, fmt.Errorf("row %d (0-based, in its batch) is not valid JSON: %q", r, truncate(bin.Value(r), 40))
			}
		}
		return array.NewExtensionArrayWithStorage(types.ExtensionTypes.JSON, bin), nil
	}
}

func uuidsFromText(col *array.String) (arrow.Array, error) {
	b := types.NewUUIDBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(col.Len())
	for r := 0; r < col.Len(); r++ {
		if col.IsNull(r) {
			b.AppendNull()
			continue
		}
		u, err := uuid.Parse(col.Value(r))
		if err != nil {
			return nil, fmt.Errorf("row %d (0-based, in its batch) is not a UUID: %q", r, truncate([]byte(col.Value(r)), 40))
		}
		b.Append(u)
	}
	return b.NewArray(), nil
}

// jsonOfLists makes each row of a nested list one JSON array (NaN and ±Inf as the strings
// "NaN", "+Inf", "-Inf", binary as base64, times as text: arrow-go's JSON of each value).
func jsonOfLists(col arrow.Array) (arrow.Array, error) {
	b := types.NewJSONBuilder(memory.DefaultAllocator)
	defer b.Release()
	for r := 0; r < col.Len(); r++ {
		if col.IsNull(r) {
			b.AppendNull()
			continue
		}
		v, err := json.Marshal(col.GetOneForMarshal(r))
		if err != nil {
			return nil, fmt.Errorf("row %d (0-based, in its batch) has no JSON form: %w", r, err)
		}
		b.AppendBytes(v)
	}
	return b.NewArray(), nil
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return strings.ToValidUTF8(string(b[:n]), "") + "…"
}
