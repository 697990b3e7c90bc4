package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
)

func record(t *testing.T, rows int) arrow.RecordBatch {
	t.Helper()
	md := arrow.NewMetadata([]string{"cq:table_name"}, []string{"t"})
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "s", Type: arrow.BinaryTypes.String}}, &md)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for i := range rows {
		if i%3 == 0 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Int64Builder).Append(int64(i))
		}
		b.Field(1).(*array.StringBuilder).Append(strings.Repeat("x", i%17))
	}
	return b.NewRecordBatch()
}

func TestIPCRowsAgreesWithTheDecoder(t *testing.T) {
	for _, rows := range []int{0, 1, 500, 70_000} {
		rec := record(t, rows)
		msg, err := pb.RecordToBytes(rec) // what the SDK sends as an insert
		if err != nil {
			t.Fatal(err)
		}
		want, err := decodedRows(msg)
		if err != nil || want != int64(rows) {
			t.Fatalf("%d rows: the decoder counted %d, %v", rows, want, err)
		}
		if got, err := ipcRows(msg); err != nil || got != want {
			t.Errorf("%d rows: ipcRows = %d, %v", rows, got, err)
		}
		for _, cut := range []int{len(msg) - 9, len(msg) / 2, 7} { // truncated: an error, never a count
			if got, err := ipcRows(msg[:cut]); err == nil {
				t.Errorf("%d rows cut at %d of %d bytes: counted %d, no error", rows, cut, len(msg), got)
			}
		}
		if _, err := ipcRows(append(bytes.Clone(msg), 0, 0, 0, 0)); err == nil {
			t.Errorf("%d rows: bytes after the end of the stream were not an error", rows)
		}
	}
}

func TestIPCRowsSumsEveryBatchOfAStream(t *testing.T) {
	var buf bytes.Buffer
	a, b := record(t, 3), record(t, 1000)
	w := ipc.NewWriter(&buf, ipc.WithSchema(a.Schema()))
	for _, rec := range []arrow.RecordBatch{a, b, a} {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := ipcRows(buf.Bytes()); err != nil || got != 1006 {
		t.Fatalf("ipcRows = %d, %v; want 1006", got, err)
	}
	if _, err := ipcRows(buf.Bytes()[8+int(int32(buf.Bytes()[4])):]); err == nil {
		t.Error("a stream without its schema message was counted")
	}
}
