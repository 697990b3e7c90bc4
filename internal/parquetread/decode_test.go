package parquetread

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// decodeBytes runs what discovery and a sync run on an object, from memory: open the footer,
// map the schema, decode every row. sent counts the rows emitted before any error.
func decodeBytes(data []byte, batchRows int64) (rows []parquetgen.Row, sent int64, err error) {
	pf, err := openParquet(bytes.NewReader(data), newPageBuffers(64<<20))
	if err != nil {
		return nil, 0, err
	}
	if _, err := arrowSchema(pf); err != nil {
		return nil, 0, err
	}
	err = decodeRecords(context.Background(), pf, batchSize{rows: batchRows}, func(rec arrow.RecordBatch) error {
		got, err := parquetgen.RowsOf(rec)
		if err != nil {
			return err
		}
		rows = append(rows, got...)
		sent += rec.NumRows()
		return nil
	})
	return rows, sent, err
}

func TestDecodeRecordsDeliversEveryRow(t *testing.T) {
	want := parquetgen.Rows(0, 1234)
	data, err := parquetgen.Write(want, parquetgen.Layout{RowGroupRows: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range []int64{1, 7, 500, 5000} {
		got, sent, err := decodeBytes(data, batch)
		if err != nil || sent != 1234 {
			t.Fatalf("batch %d: sent %d, %v", batch, sent, err)
		}
		if d := parquetgen.Diff(got, want); d != "" {
			t.Fatalf("batch %d: %s", batch, d)
		}
	}
}

// corpusSeed makes the corpus of TestCorruptCorpus, the fault suite and the fuzz seeds.
const corpusSeed = 9

// TestCorruptCorpus decodes 240 corrupt variants (seed 9; CORPUS_SEEDS=n runs seeds 1..n):
// each must either fail with a content error before any of its rows is emitted, or deliver
// exactly the rows of the intact file.
func TestCorruptCorpus(t *testing.T) {
	seeds := []uint64{corpusSeed}
	if n, _ := strconv.Atoi(os.Getenv("CORPUS_SEEDS")); n > 0 {
		seeds = seeds[:0]
		for s := 1; s <= n; s++ {
			seeds = append(seeds, uint64(s))
		}
	}
	outcomes := map[string]int{}
	for _, seed := range seeds {
		variants, err := parquetgen.Corpus(seed, 240)
		if err != nil {
			t.Fatal(err)
		}
		checkVariants(t, variants, outcomes)
	}
	t.Logf("%d seeds × 240 variants: %v", len(seeds), outcomes)
}

func checkVariants(t *testing.T, variants []parquetgen.Variant, outcomes map[string]int) {
	for _, v := range variants {
		rows, sent, err := decodeBytes(v.Data, 500)
		switch {
		case err != nil && sent > 0:
			t.Errorf("%s (%s): content error after %d rows were emitted: %v", v.Name, v.What, sent, err)
		case err != nil && !IsSkippable(err):
			t.Errorf("%s (%s): error is not a content error: %v", v.Name, v.What, err)
		case err != nil:
			var pe *PanicError
			if errors.As(err, &pe) {
				outcomes["skipped (decoder panic recovered)"]++
			} else {
				outcomes["skipped"]++
			}
		default:
			if d := parquetgen.Diff(rows, v.Rows); d != "" {
				t.Errorf("%s (%s): delivered wrong rows: %s", v.Name, v.What, d)
				continue
			}
			outcomes["delivered exactly"]++
		}
	}
}

// The first batch is sized from the footer and holds at most firstRows rows; once a batch has
// shown what rows decode to, batches grow up to rows rows within the byte target.
func TestBatchSizeGrowsOnceRowsAreMeasured(t *testing.T) {
	b := batchSize{rows: 256 << 10, firstRows: 64 << 10, bytes: 8 << 20, firstRowBytes: 40, record: 500, total: 1_000_000}
	cases := []struct {
		what          string
		b             batchSize
		n, size, done int64
		want          int64
	}{
		{"first batch: capped at firstRows, a multiple of the record", b, 0, 0, 0, 65_500},
		{"first batch of a footer that understates the rows' size: still capped", batchSize{rows: b.rows, firstRows: b.firstRows, bytes: b.bytes, firstRowBytes: 2, record: 500, total: b.total}, 0, 0, 0, 65_500},
		{"measured at 40 bytes a row: up to the byte target", b, 65_500, 65_500 * 40, 65_500, 209_500},
		{"measured at 4 bytes a row: up to rows", b, 65_500, 65_500 * 4, 65_500, 262_000},
		{"measured at 400 bytes a row", b, 65_500, 65_500 * 400, 65_500, 20_500},
		{"the rest of the object", b, 65_500, 65_500 * 40, 900_000, 100_000},
		{"a batch that decoded to no bytes is not a measurement", b, 65_500, 0, 65_500, 65_500},
	}
	for _, c := range cases {
		if got, err := c.b.next(c.n, c.size, c.done); got != c.want || err != nil {
			t.Errorf("%s: %d rows (%v), want %d", c.what, got, err, c.want)
		}
	}
}

// A row floor (dictionary values) is asked for the rows the batch would span without it, and
// sizes the batch from it when it is larger than the rows measured.
func TestBatchSizeRowFloor(t *testing.T) {
	var asked [][2]int64
	b := batchSize{rows: 256 << 10, firstRows: 64 << 10, bytes: 8 << 20, firstRowBytes: 40, record: 500, total: 1_000_000,
		rowFloor: func(from, to int64) (int64, error) {
			asked = append(asked, [2]int64{from, to})
			if to > 100_000 {
				return 260_000, nil
			}
			return 0, nil
		}}
	for _, c := range []struct {
		n, size, done, want int64
		from, to            int64
	}{
		{0, 0, 0, 65_500, 0, 65_500},                       // no floor in rows 0-65,500
		{65_500, 65_500 * 40, 65_500, 32, 65_500, 275_000}, // 8 MiB / 260,000: 32 rows
	} {
		asked = nil
		got, err := b.next(c.n, c.size, c.done)
		if err != nil || got != c.want || len(asked) != 1 || asked[0] != [2]int64{c.from, c.to} {
			t.Errorf("after %d rows: %d rows (%v), floor asked for %v; want %d rows, asked for [%d %d]", c.done, got, err, asked, c.want, c.from, c.to)
		}
	}
	b.rowFloor = func(int64, int64) (int64, error) { return 0, context.Canceled }
	if _, err := b.next(0, 0, 0); err != context.Canceled {
		t.Errorf("the floor's error: got %v", err)
	}
}
