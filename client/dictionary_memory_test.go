package client

import (
	"fmt"
	"os"
	"runtime/debug"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

const repeatedWidth, repeatedRows = 260_000, 450

// outsideBudget is what the live heap may hold beyond the budget: the records handed to the
// consumer and not yet collected, and the decoded dictionaries (docs/scale.md, "Memory").
const outsideBudget = 16 << 20

func repeatedValueFile(t *testing.T) []byte {
	t.Helper()
	data, err := parquetgen.RepeatedValue(repeatedRows, repeatedWidth)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Values expanded from a dictionary count against the budget: 16 such objects sync exactly,
// and the live heap grows by no more than the budget + outsideBudget, at the default budget
// and at 16 MiB, whether each object is fetched whole or in ranges (readInRanges:
// the path of objects over 32 MiB).
// Before, each object was decoded in one 117 MB batch, up to 50 at once (2.2 GB peak RSS); the
// ranged path still did so after the whole path was fixed (+1.3 GB live heap).
func TestMemoryBudgetCountsDictionaryValues(t *testing.T) {
	const objects = 16
	body := repeatedValueFile(t)
	if len(body) > 32<<10 {
		t.Fatalf("the file is %d bytes: not the case of the issue", len(body))
	}
	s3 := startS3(t)
	s3.CreateBucket("dict")
	for i := range objects {
		s3.Put("dict", fmt.Sprintf("wide/part-%02d.parquet", i), body)
	}
	for _, ranged := range []bool{false, true} {
		for _, budget := range []int64{defaultMemoryBudget, minMemoryBudget} {
			t.Run(fmt.Sprintf("ranged %v budget %d MiB", ranged, budget>>20), func(t *testing.T) {
				if ranged {
					readInRanges(t)
				}
				syncRepeatedValues(t, s3, budget, objects, len(body))
			})
		}
	}
}

func syncRepeatedValues(t *testing.T, s3 *testS3, budget int64, objects, size int) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	p, err := initPlugin(t, s3.specJSON("dict", fmt.Sprintf(`,"memory_budget":%d`, budget)))
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		t.Log("GOMEMLIMIT is set: the Go memory limit is the environment's, not budget + overhead")
	}
	rows, grew, withGarbage := syncMeasuringHeap(t, p, func(rec arrow.RecordBatch) error {
		payload := rec.Column(2).(*array.String) // after _cq_id and id
		for i := range payload.Len() {
			if len(payload.Value(i)) != repeatedWidth {
				return fmt.Errorf("a payload of %d bytes", len(payload.Value(i)))
			}
		}
		return nil
	})
	if rows != int64(objects*repeatedRows) {
		t.Fatalf("got %d rows, want %d", rows, objects*repeatedRows)
	}
	t.Logf("%d objects of %d bytes (%d MiB decoded): live heap grew by at most %d MiB (with garbage %d MiB) under a %d MiB budget",
		objects, size, int64(objects*repeatedRows*repeatedWidth)>>20, grew>>20, withGarbage>>20, budget>>20)
	if grew > budget+outsideBudget {
		t.Fatalf("the live heap grew by %d MiB during the sync, more than the %d MiB budget + %d MiB", grew>>20, budget>>20, outsideBudget>>20)
	}
}
