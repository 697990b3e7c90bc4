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

// table is one destination table: its definition and its rows. A table with a primary key
// keeps one row per record, indexed by key, so an insert of an existing key replaces the row.
type table struct {
	def   *schema.Table
	sc    *arrow.Schema
	rows  []arrow.RecordBatch
	pk    []int
	index map[string]int
}

func newTable(def *schema.Table) *table {
	return &table{def: def, sc: def.ToArrowSchema(), pk: def.PrimaryKeysIndexes(), index: map[string]int{}}
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
	rows := array.NewRecordBatch(t.sc, rec.Columns(), rec.NumRows())
	if len(t.pk) == 0 {
		t.rows = append(t.rows, rows)
		return nil
	}
	defer rows.Release()
	for i := int64(0); i < rows.NumRows(); i++ {
		t.upsert(rows.NewSlice(i, i+1))
	}
	return nil
}

func (t *table) upsert(row arrow.RecordBatch) {
	key := t.key(row)
	if i, ok := t.index[key]; ok {
		t.rows[i].Release()
		t.rows[i] = row
		return
	}
	t.index[key] = len(t.rows)
	t.rows = append(t.rows, row)
}

func (t *table) key(row arrow.RecordBatch) string {
	parts := make([]string, len(t.pk))
	for i, c := range t.pk {
		parts[i] = row.Column(c).ValueStr(0)
	}
	return strings.Join(parts, "\x00")
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
	var kept []arrow.RecordBatch
	var deleted int64
	for _, rec := range t.rows {
		src, ok1 := rec.Column(srcIdx[0]).(*array.String)
		ts, ok2 := rec.Column(timeIdx[0]).(*array.Timestamp)
		if !ok1 || !ok2 {
			return 0, fmt.Errorf("cqdest: table %s: %s must be utf8 and %s a timestamp", t.def.Name, schema.CqSourceNameColumn.Name, schema.CqSyncTimeColumn.Name)
		}
		unit := ts.DataType().(*arrow.TimestampType).Unit
		stale := func(i int) bool {
			return src.IsValid(i) && src.Value(i) == source && ts.IsValid(i) && ts.Value(i).ToTime(unit).Before(syncTime)
		}
		start := -1
		for i := 0; i <= int(rec.NumRows()); i++ {
			keep := i < int(rec.NumRows()) && !stale(i)
			if i < int(rec.NumRows()) && !keep {
				deleted++
			}
			if keep && start < 0 {
				start = i
			}
			if !keep && start >= 0 {
				kept = append(kept, rec.NewSlice(int64(start), int64(i)))
				start = -1
			}
		}
		rec.Release()
	}
	t.rows = kept
	t.reindex()
	return deleted, nil
}

func (t *table) reindex() {
	t.index = map[string]int{}
	if len(t.pk) == 0 {
		return
	}
	for i, row := range t.rows {
		t.index[t.key(row)] = i
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
	for _, rec := range t.rows {
		if err = w.Write(rec); err != nil {
			break
		}
	}
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
