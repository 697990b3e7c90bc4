package client

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cq-source-s3/cq-source-s3/internal/parquetread"
)

// sdkMessageLimit is the plugin-sdk's gRPC message limit (internal/servers/plugin/v3.MaxMsgSize):
// the SDK logs and drops any larger message, so a record must never come near it.
const sdkMessageLimit = 100 << 20

// send hands one message to the SDK unless the sync is cancelled first or the SDK does not take
// it within timeout (spec.send_timeout). The SDK takes the next message only once the client
// took the previous one (its gRPC stream.Send has no deadline, and a client that stops reading
// without cancelling blocks it for as long as it stays connected): the deadline ends the sync,
// and so releases the plugin's lock, instead of leaving every later Sync "already in use".
func send(ctx context.Context, res chan<- message.SyncMessage, m message.SyncMessage, timeout time.Duration) error {
	select {
	case res <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	default:
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case res <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return &sendTimeoutError{timeout: timeout}
	}
}

// sendTimeoutError is a message the client did not take within spec.send_timeout.
type sendTimeoutError struct{ timeout time.Duration }

func (e *sendTimeoutError) Error() string {
	return fmt.Sprintf("the client took no message for %s (spec.send_timeout): it stopped reading the sync's stream, so the sync fails", e.timeout)
}

// recordSender sends one object's decoded records as inserts of its table, in records of at
// most maxRows rows and maxBytes bytes. A row that alone exceeds maxBytes is sent alone if it
// fits rowLimit, and is an error otherwise.
type recordSender struct {
	ctx      context.Context
	res      chan<- message.SyncMessage
	timeout  time.Duration // spec.send_timeout
	schema   *arrow.Schema // the table's
	maxRows  int64
	maxBytes int64
	rowLimit int64
	// ids makes the _cq_id values when the table has that column (cq_columns.go).
	ids *rowIDs
	// rows counts the rows sent so far: once it is not 0 the object can no longer be skipped.
	rows int64
}

func (s *recordSender) send(rec arrow.RecordBatch) error {
	if s.rows == 0 {
		if err := sameColumnTypes(dataSchema(s.schema), rec.Schema()); err != nil {
			return err
		}
	}
	rec, err := parquetread.ConformValues(dataSchema(s.schema), rec)
	if err != nil {
		return err
	}
	defer rec.Release()
	n := rec.NumRows()
	for start := int64(0); start < n; {
		count := min(s.maxRows, n-start)
		part := rec.NewSlice(start, start+count)
		size := s.recordBytes(part)
		for size > s.maxBytes && count > 1 {
			part.Release()
			count /= 2
			part = rec.NewSlice(start, start+count)
			size = s.recordBytes(part)
		}
		if size > s.rowLimit {
			part.Release()
			return fmt.Errorf("row %d (0-based) holds %d bytes, more than one gRPC message can carry (%d bytes)", s.rows, size, s.rowLimit)
		}
		out := conformRecord(s.schema, part, s.ids, s.rows)
		part.Release()
		if err := send(s.ctx, s.res, &message.SyncInsert{Record: out}, s.timeout); err != nil {
			out.Release()
			return err
		}
		s.rows += count
		start += count
	}
	return nil
}

// recordBytes is what part weighs once sent: its buffers, and the _cq_id column added to it.
func (s *recordSender) recordBytes(part arrow.RecordBatch) int64 {
	if s.ids == nil {
		return parquetread.RecordBytes(part)
	}
	return parquetread.RecordBytes(part) + rowIDBytes*part.NumRows()
}

// sameColumnTypes checks, before an object's first row is sent, that it decodes to the
// table's columns: the footer was read at Init, but a check here costs nothing.
func sameColumnTypes(table, got *arrow.Schema) error {
	if table.NumFields() != got.NumFields() {
		return parquetread.Skippable("schema differs from the table's", fmt.Errorf("%d columns, the table has %d", got.NumFields(), table.NumFields()))
	}
	for i, f := range table.Fields() {
		// A null-typed column joins a column of any type (schema unification): conformRecord fills it.
		if got.Field(i).Type.ID() != arrow.NULL && !parquetread.Conformable(got.Field(i).Type, f.Type) {
			return parquetread.Skippable("schema differs from the table's", fmt.Errorf("column %q is %s, the table has %s", f.Name, got.Field(i).Type, f.Type))
		}
	}
	return nil
}
