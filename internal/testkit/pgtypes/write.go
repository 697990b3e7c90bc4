package pgtypes

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// Record builds the types file's rows from Columns.
func Record() (arrow.RecordBatch, error) {
	fields := make([]arrow.Field, len(Columns))
	cols := make([]arrow.Array, len(Columns))
	for i, c := range Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: c.Name != "id"}
		a, err := column(c)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		defer a.Release()
		if a.Len() != Rows {
			return nil, fmt.Errorf("column %s has %d values, want %d", c.Name, a.Len(), Rows)
		}
		cols[i] = a
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, Rows), nil
}

func column(c Column) (arrow.Array, error) {
	switch t := c.Type.(type) {
	case *arrow.NullType:
		return array.NewNull(Rows), nil
	case *arrow.DictionaryType: // from the values, as a writer that dictionary-encodes them
		values, _, err := array.FromJSON(memory.DefaultAllocator, t.ValueType, strings.NewReader(c.Values))
		if err != nil {
			return nil, err
		}
		defer values.Release()
		b := array.NewDictionaryBuilder(memory.DefaultAllocator, t).(*array.BinaryDictionaryBuilder)
		defer b.Release()
		s := values.(*array.String)
		for i := 0; i < s.Len(); i++ {
			if s.IsNull(i) {
				b.AppendNull()
			} else if err := b.AppendString(s.Value(i)); err != nil {
				return nil, err
			}
		}
		return b.NewArray(), nil
	}
	a, _, err := array.FromJSON(memory.DefaultAllocator, c.Type, strings.NewReader(c.Values))
	return a, err
}

// Parquet writes rec the way pyarrow does: row groups of rowGroupRows, the Arrow schema stored
// (ARROW:schema). Durations are stored as Parquet INT64 with the stored schema saying what they
// are, as pyarrow writes them (arrow-go's writer does not take durations).
func Parquet(rec arrow.RecordBatch, rowGroupRows int64) ([]byte, error) {
	fields := rec.Schema().Fields()
	cols := rec.Columns()
	for i, f := range fields {
		if f.Type.ID() == arrow.DURATION {
			data := cols[i].Data()
			fields[i].Type = arrow.PrimitiveTypes.Int64
			cols[i] = array.NewInt64Data(array.NewData(arrow.PrimitiveTypes.Int64, data.Len(), data.Buffers(), nil, data.NullN(), data.Offset()))
			defer cols[i].Release()
		}
	}
	stored := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows())
	defer stored.Release()
	var hint bytes.Buffer
	iw := ipc.NewWriter(&hint, ipc.WithSchema(rec.Schema()))
	if err := iw.Close(); err != nil {
		return nil, err
	}
	props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(rowGroupRows))
	return parquetgen.Encode(stored, props, map[string]string{"ARROW:schema": base64.StdEncoding.EncodeToString(hint.Bytes())})
}
