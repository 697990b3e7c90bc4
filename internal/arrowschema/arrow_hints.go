// Package arrowschema is the Arrow side of a Parquet object's columns: the stored Arrow schema
// hints made canonical, and the schema of the records the plugin sends.
package arrowschema

import (
	"bytes"
	"encoding/base64"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// HintsKey is where Arrow writers (pyarrow, arrow-rs, arrow-go) keep the Arrow schema a
// Parquet file was written from; readers use it to restore types Parquet cannot express.
const HintsKey = "ARROW:schema"

// ConvertedFromKey marks, in a column's Arrow field metadata, the original Arrow type of a
// column that discovery converted (so the table documentation can say what the values mean).
const ConvertedFromKey = "cq-source-s3:converted_from"

// CanonicalizeHints rewrites the file's stored Arrow schema so the file reads in this
// plugin's canonical types, losslessly, and files written by different tools unify:
//
//	duration[unit]   → int64, the count of units (Parquet stores exactly that; the Parquet
//	                   reader cannot return Arrow durations)
//	large_utf8       → utf8,   large_binary → binary,   large_list<T> → list<T>
//	dictionary<K, V> → V (the decoded values)
//
// It applies recursively inside lists, maps and structs. Files without a stored Arrow schema
// (Spark, DuckDB, ...) already read in these types. A stored schema that cannot be decoded
// is left alone: the reader then ignores it too.
func CanonicalizeHints(md *metadata.FileMetaData) {
	for _, kv := range md.KeyValueMetadata() {
		if kv.Key != HintsKey || kv.Value == nil {
			continue
		}
		stored, err := DecodeHints(*kv.Value)
		if err != nil {
			return
		}
		fields := stored.Fields()
		changed := false
		for i, f := range fields {
			var c bool
			fields[i], c = CanonicalField(f, true)
			changed = changed || c
		}
		if !changed {
			return
		}
		schemaMeta := stored.Metadata()
		encoded := EncodeHints(arrow.NewSchema(fields, &schemaMeta))
		kv.Value = &encoded
		return
	}
}

// CanonicalField returns f with its type made canonical, and whether anything changed.
// A top-level column that changed type records its original type in ConvertedFromKey.
func CanonicalField(f arrow.Field, topLevel bool) (arrow.Field, bool) {
	typ, changed := CanonicalType(f.Type)
	if !changed {
		return f, false
	}
	if topLevel {
		f.Metadata = WithMetadata(f.Metadata, ConvertedFromKey, f.Type.String())
	}
	f.Type = typ
	return f, true
}

func CanonicalType(t arrow.DataType) (arrow.DataType, bool) {
	switch t := t.(type) {
	case *arrow.DurationType:
		return arrow.PrimitiveTypes.Int64, true
	case *arrow.LargeStringType:
		return arrow.BinaryTypes.String, true
	case *arrow.LargeBinaryType:
		return arrow.BinaryTypes.Binary, true
	case *arrow.DictionaryType:
		v, _ := CanonicalType(t.ValueType)
		return v, true
	case *arrow.LargeListType:
		elem, _ := CanonicalField(t.ElemField(), false)
		return arrow.ListOfField(elem), true
	case *arrow.ListType:
		elem, changed := CanonicalField(t.ElemField(), false)
		if !changed {
			return t, false
		}
		return arrow.ListOfField(elem), true
	case *arrow.FixedSizeListType:
		elem, changed := CanonicalField(t.ElemField(), false)
		if !changed {
			return t, false
		}
		return arrow.FixedSizeListOfField(t.Len(), elem), true
	case *arrow.MapType:
		key, kc := CanonicalField(t.KeyField(), false)
		item, ic := CanonicalField(t.ItemField(), false)
		if !kc && !ic {
			return t, false
		}
		m := arrow.MapOfFields(key, item)
		m.KeysSorted = t.KeysSorted
		return m, true
	case *arrow.StructType:
		fields := t.Fields()
		changed := false
		for i, f := range fields {
			var c bool
			fields[i], c = CanonicalField(f, false)
			changed = changed || c
		}
		if !changed {
			return t, false
		}
		return arrow.StructOf(fields...), true
	}
	return t, false
}

func WithMetadata(md arrow.Metadata, key, value string) arrow.Metadata {
	keys, values := append([]string{}, md.Keys()...), append([]string{}, md.Values()...)
	return arrow.NewMetadata(append(keys, key), append(values, value))
}

func DecodeHints(value string) (*arrow.Schema, error) {
	var decoded []byte
	var err error
	if len(value)%4 == 0 {
		decoded, err = base64.StdEncoding.DecodeString(value)
	}
	if len(decoded) == 0 || err != nil {
		if decoded, err = base64.RawStdEncoding.DecodeString(value); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", HintsKey, err)
		}
	}
	rdr, err := ipc.NewReader(bytes.NewReader(decoded))
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", HintsKey, err)
	}
	defer rdr.Release()
	return rdr.Schema(), nil
}

func EncodeHints(sc *arrow.Schema) string {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(sc))
	_ = w.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
