package client

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cloudquery/plugin-sdk/v4/state"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
	"github.com/rs/zerolog"
)

// flushSizes is a state client that records how many bytes of keys and values each Flush
// carries: plugin-sdk's client sends them in one gRPC message, which may not exceed 100 MiB
// (state.NewConnectedClient), and keeps them to send again with the next Flush if it fails.
type flushSizes struct {
	state.Client
	pending int
	flushes []int
}

func (s *flushSizes) SetKey(ctx context.Context, key, value string) error {
	s.pending += len(key) + len(value)
	return s.Client.SetKey(ctx, key, value)
}

func (s *flushSizes) Flush(ctx context.Context) error {
	s.flushes = append(s.flushes, s.pending)
	s.pending = 0
	return s.Client.Flush(ctx)
}

// wideSchema is a table of n int64 columns with long names: about 150 bytes of manifest each.
func wideSchema(n int) *arrow.Schema {
	fields := make([]arrow.Field, n)
	for i := range fields {
		fields[i] = arrow.Field{Name: fmt.Sprintf("a_rather_long_measurement_column_name_%05d", i), Type: arrow.PrimitiveTypes.Int64, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

func TestSchemaManifestsFlushInMessagesOfBoundedSize(t *testing.T) {
	b := &memoryBackend{committed: map[string]string{}}
	st := &flushSizes{Client: b.connect()}
	m := newSchemaManifests(st, "wide", zerolog.Nop())
	sc := wideSchema(1500)
	const tables = 120 // far fewer than manifestFlushEvery, far more than stateMessageBytes
	ctx := context.Background()
	for i := range tables {
		m.store(ctx, fmt.Sprintf("t%03d", i), &parquetObject{Object: s3store.Object{Key: fmt.Sprintf("t%03d/a.parquet", i), ETag: `"e"`}, Schema: sc})
	}
	m.flush(ctx)

	one := len(b.committed["s3/wide/t000/schema"])
	total := 0
	for i, n := range st.flushes {
		total += n
		if n > stateMessageBytes+one+100 {
			t.Errorf("flush %d carried %d bytes: more than stateMessageBytes (%d) and one manifest (%d)", i, n, stateMessageBytes, one)
		}
	}
	if total < 16*stateMessageBytes/10 {
		t.Fatalf("the test stored only %d bytes of manifests (%d each): not enough to need two flushes", total, one)
	}
	if len(b.committed) != tables {
		t.Errorf("%d manifests stored, want %d", len(b.committed), tables)
	}
	probe := &parquetObject{Object: s3store.Object{Key: "t119/a.parquet", ETag: `"e"`}}
	if !newSchemaManifests(b.connect(), "wide", zerolog.Nop()).lookup(ctx, "t119", probe) || !probe.Schema.Equal(sc) {
		t.Error("the last manifest does not give back the schema stored")
	}
}
