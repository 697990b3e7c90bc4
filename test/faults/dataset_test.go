package faults

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// dataset is what a bucket holds and what each table must deliver.
type dataset struct {
	objects map[string][]byte
	rows    map[string][]parquetgen.Row // by key
	table   map[string]string           // table of each key
}

func newDataset() *dataset {
	return &dataset{objects: map[string][]byte{}, rows: map[string][]parquetgen.Row{}, table: map[string]string{}}
}

func (d *dataset) add(t *testing.T, key, table string, rows []parquetgen.Row, l parquetgen.Layout) {
	t.Helper()
	data, err := parquetgen.Write(rows, l)
	if err != nil {
		t.Fatal(err)
	}
	d.objects[key], d.rows[key], d.table[key] = data, rows, table
}

var (
	standardOnce sync.Once
	standard     *dataset
)

// standardDataset: 12 small objects in two tables and one larger object read in several
// ranged GETs, 52,000 rows in all, in three layouts. Encoded once; each test gets its own copy
// of the maps (tests add objects), sharing the read-only file bytes.
func standardDataset(t *testing.T) *dataset {
	standardOnce.Do(func() { standard = makeStandardDataset(t) })
	return &dataset{objects: maps.Clone(standard.objects), rows: maps.Clone(standard.rows), table: maps.Clone(standard.table)}
}

func makeStandardDataset(t *testing.T) *dataset {
	d := newDataset()
	for i := range 10 {
		d.add(t, fmt.Sprintf("events/part-%03d.parquet", i), "events", parquetgen.Rows(int64(i)*1000, 1000),
			parquetgen.Layout{Codec: compress.Codecs.Zstd, Dictionary: true, RowGroupRows: 500})
	}
	for i := range 2 {
		d.add(t, fmt.Sprintf("metrics/m-%d.parquet", i), "metrics", parquetgen.Rows(20_000+int64(i)*1000, 1000),
			parquetgen.Layout{Codec: compress.Codecs.Snappy, PageV2: true})
	}
	d.add(t, "big/data.parquet", "big", parquetgen.Rows(100_000, 40_000), parquetgen.Layout{RowGroupRows: 20_000, PageBytes: 64 << 10})
	return d
}

// upload puts the dataset in a new bucket and returns its name.
func (d *dataset) upload(t *testing.T) string {
	t.Helper()
	bucket := s3.newBucket(t)
	s3.putAll(t, bucket, d.objects)
	return bucket
}

// want is the rows each table must deliver when the given keys are skipped.
func (d *dataset) want(skipped ...string) map[string][]parquetgen.Row {
	out := map[string][]parquetgen.Row{}
	for _, key := range slices.Sorted(maps.Keys(d.rows)) {
		if !slices.Contains(skipped, key) {
			out[d.table[key]] = append(out[d.table[key]], d.rows[key]...)
		}
	}
	return out
}

func (d *dataset) totalRows() int {
	n := 0
	for _, r := range d.rows {
		n += len(r)
	}
	return n
}

// expectExact fails unless the sync succeeded and delivered exactly want, value by value.
func expectExact(t *testing.T, res *syncResult, err error, want map[string][]parquetgen.Row) {
	t.Helper()
	if err != nil {
		t.Fatalf("want every row delivered and Sync OK, got error: %v", err)
	}
	for _, table := range slices.Sorted(maps.Keys(want)) {
		if d := parquetgen.Diff(decodedRows(t, res, table), want[table]); d != "" {
			t.Fatalf("Sync OK but table %s is not exact: %s", table, d)
		}
	}
	for table := range res.records {
		if _, ok := want[table]; !ok {
			t.Fatalf("unexpected table %s in the sync", table)
		}
	}
}

func decodedRows(t *testing.T, res *syncResult, table string) []parquetgen.Row {
	t.Helper()
	var rows []parquetgen.Row
	for _, rec := range res.records[table] {
		got, err := parquetgen.DeliveredRowsOf(rec)
		if err != nil {
			t.Fatalf("table %s: %v", table, err)
		}
		rows = append(rows, got...)
	}
	return rows
}

// expectExactOrError accepts either outcome of the contract, and says which it was: every
// row exact with Sync OK, or an error containing every part. Never rows missing with Sync OK.
func expectExactOrError(t *testing.T, res *syncResult, err error, want map[string][]parquetgen.Row, parts ...string) {
	t.Helper()
	if err != nil {
		expectError(t, err, parts...)
		t.Logf("outcome: error (%v)", err)
		return
	}
	expectExact(t, res, err, want)
	t.Log("outcome: exact")
}

// expectError fails unless err is set and contains every part; a transport fault must
// never be reported as unreadable Parquet.
func expectError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, the call succeeded", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error does not contain %q: %v", p, err)
		}
	}
}

// summary is the n-th "sync summary" log line (1 is the first sync's).
func summary(t *testing.T, p *plugin, n int) map[string]any {
	t.Helper()
	lines := p.waitLog("sync summary", n)
	if len(lines) < n {
		t.Fatalf("%d sync summary lines in the plugin's log, want %d", len(lines), n)
	}
	return lines[n-1]
}
