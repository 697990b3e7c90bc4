package main

import (
	"bytes"
	endian "encoding/binary"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	flatbuffers "github.com/google/flatbuffers/go"
)

// The driver counts the rows of every insert it receives. Decoding each record batch to do so
// (ipc.NewReader) costs this process a copy of every message and an Arrow schema per insert,
// on the two cores the plugin is measured on; the rows are in each record batch message's
// header, so ipcRows reads them from there (the Arrow IPC stream format: each message is an
// optional 0xFFFFFFFF continuation marker, a little-endian int32 metadata length, a Message
// flatbuffer of that length, then its body of Message.bodyLength bytes). The first insert of
// every run is also decoded whole and must agree (decodedRows).

// Field slots (vtable offsets) of Schema.fbs / Message.fbs: Message.header_type, .header,
// .bodyLength; RecordBatch.length.
const (
	messageHeaderType = 4 + 2*1
	messageHeader     = 4 + 2*2
	messageBodyLength = 4 + 2*3
	recordBatchLength = 4 + 2*0
)

// ipcRows is the number of rows in an IPC stream of one schema and its record batches. Any
// other layout (no schema first, dictionary batches, a truncated or oversized message, bytes
// after the end-of-stream marker) is an error, so a count is never a guess.
func ipcRows(b []byte) (rows int64, err error) {
	defer func() {
		if r := recover(); r != nil { // a flatbuffer offset out of range
			err = fmt.Errorf("malformed IPC message: %v", r)
		}
	}()
	var messages, batches int
	for len(b) > 0 { // the end-of-stream marker is optional
		if len(b) >= 4 && endian.LittleEndian.Uint32(b) == 0xFFFFFFFF {
			b = b[4:]
		}
		if len(b) < 4 {
			return 0, fmt.Errorf("IPC message %d: %d bytes where its length should be", messages, len(b))
		}
		metaLen := int64(int32(endian.LittleEndian.Uint32(b)))
		b = b[4:]
		if metaLen == 0 {
			if len(b) != 0 {
				return 0, fmt.Errorf("%d bytes after the IPC end-of-stream marker", len(b))
			}
			break
		}
		if metaLen < 0 || metaLen > int64(len(b)) {
			return 0, fmt.Errorf("IPC message %d: metadata of %d bytes, %d left", messages, metaLen, len(b))
		}
		meta := b[:metaLen]
		b = b[metaLen:]
		msg := flatbuffers.Table{Bytes: meta, Pos: flatbuffers.GetUOffsetT(meta)}
		var kind ipc.MessageType
		if o := flatbuffers.UOffsetT(msg.Offset(messageHeaderType)); o != 0 {
			kind = ipc.MessageType(msg.GetByte(o + msg.Pos))
		}
		var body int64
		if o := flatbuffers.UOffsetT(msg.Offset(messageBodyLength)); o != 0 {
			body = msg.GetInt64(o + msg.Pos)
		}
		if body < 0 || body > int64(len(b)) {
			return 0, fmt.Errorf("IPC message %d: body of %d bytes, %d left", messages, body, len(b))
		}
		b = b[body:]
		switch {
		case messages == 0 && kind == ipc.MessageSchema:
		case messages > 0 && kind == ipc.MessageRecordBatch:
			o := flatbuffers.UOffsetT(msg.Offset(messageHeader))
			if o == 0 {
				return 0, fmt.Errorf("IPC message %d: record batch without a header", messages)
			}
			batch := flatbuffers.Table{Bytes: meta, Pos: msg.Indirect(o + msg.Pos)}
			if o := flatbuffers.UOffsetT(batch.Offset(recordBatchLength)); o != 0 {
				rows += batch.GetInt64(o + batch.Pos)
			}
			batches++
		default:
			return 0, fmt.Errorf("IPC message %d is a %s message", messages, kind)
		}
		messages++
	}
	if batches == 0 {
		return 0, errors.New("IPC stream without a record batch")
	}
	return rows, nil
}

// decodedRows counts the rows by decoding every record batch.
func decodedRows(b []byte) (int64, error) {
	rdr, err := ipc.NewReader(bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	defer rdr.Release()
	var n int64
	for rdr.Next() {
		n += rdr.RecordBatch().NumRows()
	}
	return n, rdr.Err()
}
