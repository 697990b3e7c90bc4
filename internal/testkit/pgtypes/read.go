package pgtypes

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/google/uuid"
)

// ReadColumn is one column as arrow-go reads it back from a Parquet file: its Arrow type and
// every value in an exact JSON form (Canonical).
type ReadColumn struct {
	Name string `json:"name"`
	// Written is the Arrow type the column was written with (Columns), Type what arrow-go reads.
	Written string `json:"written,omitempty"`
	Type    string `json:"type"`
	Values  []any  `json:"values"`
}

// Read decodes a Parquet file with arrow-go (its stored Arrow schema applied, as pyarrow
// reads it) into ReadColumns.
func Read(data []byte) ([]ReadColumn, error) {
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if err := durationsAsCounts(pf); err != nil {
		return nil, err
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	out := make([]ReadColumn, tbl.NumCols())
	for c := range out {
		col := tbl.Column(c)
		out[c] = ReadColumn{Name: col.Name(), Type: col.DataType().String(), Values: []any{}}
		for _, chunk := range col.Data().Chunks() {
			for i := 0; i < chunk.Len(); i++ {
				out[c].Values = append(out[c].Values, Canonical(chunk, i))
			}
		}
	}
	return out, nil
}

// Canonical is value i of a in a JSON form that loses nothing: numbers as decimal strings
// (floats: Go's shortest form, "NaN", "+Inf", "-Inf", "-0"), binary as hex, dates as
// YYYY-MM-DD, times as HH:MM:SS.nnnnnnnnn, timestamps as UTC RFC 3339 with nanoseconds,
// uuids in their text form, lists as arrays, structs as objects, maps as arrays of
// {"key","value"} objects; nil for null.
func Canonical(a arrow.Array, i int) any {
	if a.IsNull(i) || a.DataType().ID() == arrow.NULL {
		return nil
	}
	switch a := a.(type) {
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Uint8:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint16:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint32:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint64:
		return strconv.FormatUint(a.Value(i), 10)
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Duration:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Decimal256:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal256Type).Scale)
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Binary:
		return hex.EncodeToString(a.Value(i))
	case *array.LargeBinary:
		return hex.EncodeToString(a.Value(i))
	case *array.FixedSizeBinary:
		return hex.EncodeToString(a.Value(i))
	case *array.Boolean:
		return a.Value(i)
	case *array.Date32:
		return a.Value(i).ToTime().Format(time.DateOnly)
	case *array.Date64:
		return a.Value(i).ToTime().Format(time.DateOnly)
	case *array.Time32:
		return clock(a.Value(i).ToTime(a.DataType().(*arrow.Time32Type).Unit))
	case *array.Time64:
		return clock(a.Value(i).ToTime(a.DataType().(*arrow.Time64Type).Unit))
	case *array.Timestamp:
		t := a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit)
		return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
	case *array.Dictionary:
		return Canonical(a.Dictionary(), a.GetValueIndex(i))
	case *array.Struct:
		obj := map[string]any{}
		st := a.DataType().(*arrow.StructType)
		for f := 0; f < a.NumField(); f++ {
			obj[st.Field(f).Name] = Canonical(a.Field(f), i)
		}
		return obj
	case *array.Map:
		start, end := a.ValueOffsets(i)
		out := []any{}
		for j := start; j < end; j++ {
			out = append(out, map[string]any{"key": Canonical(a.Keys(), int(j)), "value": Canonical(a.Items(), int(j))})
		}
		return out
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		out := []any{}
		for j := start; j < end; j++ {
			out = append(out, Canonical(a.ListValues(), int(j)))
		}
		return out
	case array.ExtensionArray:
		if a.ExtensionType().ExtensionName() == "arrow.uuid" {
			return uuid.UUID(a.Storage().(*array.FixedSizeBinary).Value(i)).String()
		}
		return Canonical(a.Storage(), i)
	}
	panic(fmt.Sprintf("pgtypes: no canonical form for %s", a.DataType()))
}

// durationsAsCounts makes the stored Arrow schema's top-level durations int64: arrow-go's
// reader cannot return durations (pyarrow can); the values are the same counts either way.
func durationsAsCounts(pf *file.Reader) error {
	for _, kv := range pf.MetaData().KeyValueMetadata() {
		if kv.Key != "ARROW:schema" || kv.Value == nil {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(*kv.Value)
		if err != nil {
			return err
		}
		rdr, err := ipc.NewReader(bytes.NewReader(raw))
		if err != nil {
			return err
		}
		fields := rdr.Schema().Fields()
		rdr.Release()
		for i := range fields {
			if fields[i].Type.ID() == arrow.DURATION {
				fields[i].Type = arrow.PrimitiveTypes.Int64
			}
		}
		var buf bytes.Buffer
		w := ipc.NewWriter(&buf, ipc.WithSchema(arrow.NewSchema(fields, nil)))
		if err := w.Close(); err != nil {
			return err
		}
		v := base64.StdEncoding.EncodeToString(buf.Bytes())
		kv.Value = &v
	}
	return nil
}

func clock(t time.Time) string { return t.Format("15:04:05.000000000") }
