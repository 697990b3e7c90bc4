package parquetread

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// RecordBytes is the size of rec's rows in an Arrow IPC message, without padding and framing:
// the validity bitmaps, offsets and values of those rows only. A slice counts its own rows,
// not the buffers it shares with the record it was cut from (the IPC writer truncates them too).
func RecordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, col := range rec.Columns() {
		n += arrayBytes(col)
	}
	return n
}

func arrayBytes(a arrow.Array) int64 {
	n := int64(a.Len())
	bitmap := (n + 7) / 8
	switch a := a.(type) {
	case *array.Null:
		return 0
	case *array.String:
		return bitmap + 4*(n+1) + span(a.ValueOffsets())
	case *array.Binary:
		return bitmap + 4*(n+1) + span(a.ValueOffsets())
	case *array.LargeString:
		return bitmap + 8*(n+1) + span(a.ValueOffsets())
	case *array.LargeBinary:
		return bitmap + 8*(n+1) + span(a.ValueOffsets())
	case *array.Struct:
		size := bitmap
		for i := 0; i < a.NumField(); i++ {
			size += arrayBytes(a.Field(i))
		}
		return size
	case *array.Dictionary:
		return arrayBytes(a.Indices()) + arrayBytes(a.Dictionary())
	case array.ListLike:
		size := bitmap + 8*(n+1)
		if n == 0 {
			return size
		}
		start, _ := a.ValueOffsets(0)
		_, end := a.ValueOffsets(int(n - 1))
		child := array.NewSlice(a.ListValues(), start, end)
		defer child.Release()
		return size + arrayBytes(child)
	}
	if fw, ok := a.DataType().(arrow.FixedWidthDataType); ok {
		return bitmap + (int64(fw.BitWidth())*n+7)/8
	}
	return dataBytes(a.Data()) // a layout not listed above: its whole buffers, an overestimate
}

func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	return n
}

func span[T int32 | int64](offsets []T) int64 {
	if len(offsets) == 0 {
		return 0
	}
	return int64(offsets[len(offsets)-1] - offsets[0])
}
