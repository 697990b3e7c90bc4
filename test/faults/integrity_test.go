package faults

import (
	"testing"

	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
)

// A server that ignores If-Match and answers one object's GETs with another object of the same
// size (without its ETag) must not make a sync deliver the other object's rows twice and the
// real object's not at all: the whole-object read's MD5 differs from the listed ETag, so the
// object is skipped with a warning (strict: the sync fails naming it).
func TestSwappedObjectIsNotDelivered(t *testing.T) {
	t.Parallel()
	ds := newDataset()
	ds.add(t, "t/a.parquet", "t", parquetgen.Rows(420, 1000), parquetgen.Layout{})
	ds.add(t, "t/b.parquet", "t", parquetgen.Rows(4200, 1000), parquetgen.Layout{}) // ids 420 apart: every other value the same
	if len(ds.objects["t/a.parquet"]) != len(ds.objects["t/b.parquet"]) {
		t.Fatalf("the two objects must have the same size: %d and %d bytes", len(ds.objects["t/a.parquet"]), len(ds.objects["t/b.parquet"]))
	}
	swap := s3fault.Rule{Op: s3fault.OpGet, Key: "t/b.parquet", Fault: s3fault.FaultSwap, SwapKey: "t/a.parquet"} // set after Init: discovery read b truly

	e := newEnv(t, ds)
	e.mustInit(nil)
	e.rules(swap)
	res, err := e.syncAll()
	expectExact(t, res, err, ds.want("t/b.parquet"))
	expectSkipped(t, e.plugin, "t/b.parquet", "bytes differ from the listed object")

	e.rules()
	e.mustInit(map[string]any{"strict": true})
	e.rules(swap)
	_, err = e.syncAll()
	expectError(t, err, "t/b.parquet", "MD5", "spec.strict")
}
