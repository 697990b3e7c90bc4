package arrowschema

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/cloudquery/plugin-sdk/v4/types"
)

// ObjectSchema is one object's Arrow schema, named by the object's key.
type ObjectSchema struct {
	Key    string
	Schema *arrow.Schema
}

// UnifyColumns derives a table's columns from the Arrow schemas of its objects (sorted by key).
// The rules (docs/using.md, "Schema unification"):
//
//  1. No object has an unnamed column, or two columns whose names are equal up to case.
//  2. Every object has the same column names in the same order.
//  3. A column's type is the one type all objects agree on, where a null-typed column (what
//     pandas writes for a column with no values) agrees with every type. A column that is
//     null-typed in every object becomes utf8 (all values null).
//  4. A column is NOT NULL only if it is required (non-nullable) in every object.
//  5. Every column type is one the Parquet reader can return (see readableType); after
//     CanonicalizeHints the only ones that are not come from files this plugin cannot read.
func UnifyColumns(table string, objects []ObjectSchema) (schema.ColumnList, error) {
	first := objects[0]
	fields := append([]arrow.Field{}, first.Schema.Fields()...)
	typedBy := make([]string, len(fields)) // the object whose type each column has so far
	for i := range typedBy {
		typedBy[i] = first.Key
	}
	for i, obj := range objects {
		if err := CheckObjectColumns(obj); err != nil {
			return nil, err
		}
		if i == 0 {
			continue
		}
		theirs := obj.Schema.Fields()
		if err := SameColumnNames(table, first, fields, obj); err != nil {
			return nil, err
		}
		for i := range fields {
			typ, ok := UnifyType(fields[i].Type, theirs[i].Type)
			if !ok {
				return nil, fmt.Errorf("table %s: column %q is %s in %s but %s in %s", table, fields[i].Name, fields[i].Type, typedBy[i], theirs[i].Type, obj.Key)
			}
			if !arrow.TypeEqual(typ, fields[i].Type) {
				typedBy[i] = obj.Key
			}
			fields[i].Type = typ
			fields[i].Nullable = fields[i].Nullable || theirs[i].Nullable
		}
	}
	cols := make(schema.ColumnList, len(fields))
	for i, f := range fields {
		cols[i] = schema.Column{Name: f.Name, Type: f.Type, NotNull: !f.Nullable, Description: DescribeConversion(f)}
		if f.Type.ID() == arrow.NULL {
			cols[i].Type, cols[i].NotNull = arrow.BinaryTypes.String, false
		}
	}
	return cols, nil
}

// UnifyType is the type two objects' columns agree on, if any.
func UnifyType(a, b arrow.DataType) (arrow.DataType, bool) {
	switch {
	case arrow.TypeEqual(a, b):
		return a, true
	case a.ID() == arrow.NULL:
		return b, true
	case b.ID() == arrow.NULL:
		return a, true
	}
	return nil, false
}

// CheckObjectColumns rejects what no table can hold: an empty column name, two names equal up
// to case (destinations that fold case see one column; PostgreSQL quotes identifiers and would
// keep both, so a table's meaning would depend on its destination), or a type the Parquet
// reader cannot return (each named with the object, the column and the type).
func CheckObjectColumns(obj ObjectSchema) error {
	seen := map[string]string{} // lower-cased name → the name
	for i, f := range obj.Schema.Fields() {
		if f.Name == "" {
			return fmt.Errorf("%s: column %d (0-based) has an empty name, which no destination can hold: rename it", obj.Key, i)
		}
		folded := strings.ToLower(f.Name)
		if other, ok := seen[folded]; ok {
			if other == f.Name {
				return fmt.Errorf("%s has two columns named %q: rename one of them (a table cannot hold both)", obj.Key, f.Name)
			}
			return fmt.Errorf("%s has columns %q and %q, whose names differ only in case: destinations that fold case cannot hold both; rename one of them", obj.Key, other, f.Name)
		}
		seen[folded] = f.Name
		if bad := unreadableType(f.Type); bad != nil {
			return fmt.Errorf("%s: column %q has type %s, which cannot be read from Parquet (%s is not supported): convert the column or move the file out of the synced prefix", obj.Key, f.Name, f.Type, bad)
		}
	}
	return nil
}

// SameColumnNames checks that obj has fields' column names, in the same order (rule 2).
func SameColumnNames(table string, first ObjectSchema, fields []arrow.Field, obj ObjectSchema) error {
	theirs := obj.Schema.Fields()
	for i, f := range fields {
		if i >= len(theirs) {
			return fmt.Errorf("table %s: %s has column %q (%s) that %s lacks", table, first.Key, f.Name, f.Type, obj.Key)
		}
		if theirs[i].Name != f.Name {
			return fmt.Errorf("table %s: column %d is %q in %s but %q in %s", table, i, f.Name, first.Key, theirs[i].Name, obj.Key)
		}
	}
	if len(theirs) > len(fields) {
		extra := theirs[len(fields)]
		return fmt.Errorf("table %s: %s has column %q (%s) that %s lacks", table, obj.Key, extra.Name, extra.Type, first.Key)
	}
	return nil
}

// unreadableType returns the first type inside t that the Parquet reader (pqarrow) cannot
// return, or nil. Nested types are checked element by element.
func unreadableType(t arrow.DataType) arrow.DataType {
	switch t := t.(type) {
	case arrow.ListLikeType: // list, large_list, fixed_size_list, map
		if m, ok := t.(*arrow.MapType); ok {
			if bad := unreadableType(m.KeyType()); bad != nil {
				return bad
			}
			return unreadableType(m.ItemType())
		}
		return unreadableType(t.Elem())
	case *arrow.StructType:
		for _, f := range t.Fields() {
			if bad := unreadableType(f.Type); bad != nil {
				return bad
			}
		}
		return nil
	case arrow.ExtensionType:
		return unreadableType(t.StorageType())
	case *arrow.DictionaryType:
		return unreadableType(t.ValueType)
	}
	switch t.ID() {
	case arrow.NULL, arrow.BOOL,
		arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DATE32, arrow.DATE64, arrow.TIME32, arrow.TIME64, arrow.TIMESTAMP,
		arrow.DECIMAL128, arrow.DECIMAL256,
		arrow.STRING, arrow.BINARY, arrow.LARGE_STRING, arrow.LARGE_BINARY, arrow.FIXED_SIZE_BINARY:
		return nil
	}
	return t
}

// DescribeConversion documents a converted column in the table's documentation.
func DescribeConversion(f arrow.Field) string {
	from, ok := f.Metadata.GetValue(ConvertedFromKey)
	if !ok {
		return ""
	}
	if d, ok := durationUnits[from]; ok {
		return fmt.Sprintf("Arrow %s in the Parquet files: the number of %s", from, d)
	}
	if arrow.TypeEqual(f.Type, types.ExtensionTypes.JSON) {
		return "Arrow " + from + " in the Parquet files, delivered as JSON (one array per row): destinations' arrays cannot hold lists of lists"
	}
	return "Arrow " + from + " in the Parquet files"
}

var durationUnits = map[string]string{
	"duration[s]":  "seconds",
	"duration[ms]": "milliseconds",
	"duration[us]": "microseconds",
	"duration[ns]": "nanoseconds",
}
