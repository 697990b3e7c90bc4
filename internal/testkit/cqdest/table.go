package cqdest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/cloudquery/plugin-sdk/v4/schema"
)

const tableFileExt = ".arrows"

// table is one destination table: its definition and its rows, kept as the batches they were
// inserted in. A table with a primary key indexes its live rows by key: an insert of an
// existing key marks the old row dead (as an UPDATE would replace it), so upserting a whole
// record costs one pass over its rows, and saving writes only the live rows.
type table struct {
	def   *schema.Table
	sc    *arrow.Schema
	rows  []arrow.RecordBatch
	pk    []int
	index map[string]rowRef
	dead  map[rowRef]bool
}

// rowRef is row `row` of batch `batch` of a table.
type rowRef struct{ batch, row int }

func newTable(def *schema.Table) *table {
	return &table{def: def, sc: def.ToArrowSchema(), pk: def.PrimaryKeysIndexes(), index: map[string]rowRef{}, dead: map[rowRef]bool{}}
}

// insert checks the rows as a SQL database would (column names and types, NOT NULL), then
// appends them, or upserts them by primary key.
func (t *table) insert(rec arrow.RecordBatch) error {
	if err := t.checkColumns(rec.Schema()); err != nil {
		return err
	}
	for i, col := range t.def.Columns {
		if col.NotNull && rec.Column(i).NullN() > 0 {
			return fmt.Errorf("cqdest: null value in column %q of table %s violates its NOT NULL constraint (%d of %d rows)", col.Name, t.def.Name, rec.Column(i).NullN(), rec.NumRows())
		}
	}
	batch := len(t.rows)
	t.rows = append(t.rows, array.NewRecordBatch(t.sc, rec.Columns(), rec.NumRows()))
	if len(t.pk) > 0 {
		for i := range int(rec.NumRows()) {
			t.upsert(rowRef{batch, i})
		}
	}
	return nil
}

func (t *table) upsert(ref rowRef) {
	key := t.key(t.rows[ref.batch], ref.row)
	if old, ok := t.index[key]; ok {
		t.dead[old] = true
	}
	t.index[key] = ref
}

func (t *table) key(rec arrow.RecordBatch, row int) string {
	parts := make([]string, len(t.pk))
	for i, c := range t.pk {
		parts[i] = rec.Column(c).ValueStr(row)
	}
	return strings.Join(parts, "\x00")
}

// liveRuns calls fn with each run of consecutive live rows, in order.
func (t *table) liveRuns(fn func(batch int, start, end int64)) {
	for b, rec := range t.rows {
		start := int64(-1)
		for i := int64(0); i <= rec.NumRows(); i++ {
			live := i < rec.NumRows() && !t.dead[rowRef{b, int(i)}]
			if live && start < 0 {
				start = i
			}
			if !live && start >= 0 {
				fn(b, start, i)
				start = -1
			}
		}
	}
}

func (t *table) checkColumns(sc *arrow.Schema) error {
	if sc.NumFields() != len(t.def.Columns) {
		return fmt.Errorf("cqdest: insert into %s has %d columns, the table has %d (%s)", t.def.Name, sc.NumFields(), len(t.def.Columns), strings.Join(t.def.Columns.Names(), ", "))
	}
	for i, col := range t.def.Columns {
		f := sc.Field(i)
		if f.Name != col.Name || !arrow.TypeEqual(f.Type, col.Type) {
			return fmt.Errorf("cqdest: insert into %s: column %d is %q %s, the table has %q %s", t.def.Name, i, f.Name, f.Type, col.Name, col.Type)
		}
	}
	return nil
}

// deleteStale is `DELETE FROM t WHERE _cq_source_name = source AND _cq_sync_time < syncTime`.
func (t *table) deleteStale(source string, syncTime time.Time) (int64, error) {
	srcIdx, timeIdx := t.sc.FieldIndices(schema.CqSourceNameColumn.Name), t.sc.FieldIndices(schema.CqSyncTimeColumn.Name)
	if len(srcIdx) == 0 || len(timeIdx) == 0 {
		return 0, fmt.Errorf("cqdest: table %s has no %s or %s column to delete stale rows by", t.def.Name, schema.CqSourceNameColumn.Name, schema.CqSyncTimeColumn.Name)
	}
	for _, rec := range t.rows {
		_, ok1 := rec.Column(srcIdx[0]).(*array.String)
		_, ok2 := rec.Column(timeIdx[0]).(*array.Timestamp)
		if !ok1 || !ok2 {
			return 0, fmt.Errorf("cqdest: table %s: %s must be utf8 and %s a timestamp", t.def.Name, schema.CqSourceNameColumn.Name, schema.CqSyncTimeColumn.Name)
		}
	}
	var deleted int64
	for b, rec := range t.rows {
		src, ts := rec.Column(srcIdx[0]).(*array.String), rec.Column(timeIdx[0]).(*array.Timestamp)
		unit := ts.DataType().(*arrow.TimestampType).Unit
		for i := range int(rec.NumRows()) {
			ref := rowRef{b, i}
			if !t.dead[ref] && src.IsValid(i) && src.Value(i) == source && ts.IsValid(i) && ts.Value(i).ToTime(unit).Before(syncTime) {
				t.dead[ref] = true
				deleted++
			}
		}
	}
	t.compact()
	return deleted, nil
}

// compact drops the dead rows, keeping the live ones in order.
func (t *table) compact() {
	var kept []arrow.RecordBatch
	t.liveRuns(func(b int, start, end int64) { kept = append(kept, t.rows[b].NewSlice(start, end)) })
	for _, rec := range t.rows {
		rec.Release()
	}
	t.rows = kept
	t.reindex()
}

func (t *table) reindex() {
	t.index, t.dead = map[string]rowRef{}, map[rowRef]bool{}
	if len(t.pk) == 0 {
		return
	}
	for b, rec := range t.rows {
		for i := range int(rec.NumRows()) {
			t.upsert(rowRef{b, i})
		}
	}
}

// save rewrites the table's file atomically: schema, then every row.
func (t *table) save(dir string) error {
	final := filepath.Join(dir, t.def.Name+tableFileExt)
	tmp := final + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("cqdest: %w", err)
	}
	w := ipc.NewWriter(f, ipc.WithSchema(t.sc))
	t.liveRuns(func(b int, start, end int64) {
		if err == nil {
			part := t.rows[b].NewSlice(start, end)
			err = w.Write(part)
			part.Release()
		}
	})
	err = errors.Join(err, w.Close(), f.Close())
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("cqdest: saving table %s: %w", t.def.Name, err)
	}
	return os.Rename(tmp, final)
}

func loadTables(dir string) (map[string]*table, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*"+tableFileExt))
	if err != nil {
		return nil, err
	}
	tables := map[string]*table{}
	for _, file := range files {
		t, err := loadTable(file)
		if err != nil {
			return nil, fmt.Errorf("cqdest: loading %s: %w", file, err)
		}
		tables[t.def.Name] = t
	}
	return tables, nil
}

func loadTable(file string) (*table, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rdr, err := ipc.NewReader(f)
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	def, err := schema.NewTableFromArrowSchema(rdr.Schema())
	if err != nil {
		return nil, err
	}
	t := newTable(def)
	for {
		rec, err := rdr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rec.Retain()
		t.rows = append(t.rows, rec)
	}
	t.reindex()
	return t, nil
}
