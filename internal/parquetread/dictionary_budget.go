package parquetread

import (
	"sort"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// dictionaryBudget counts an object's dictionaries against its reservation, one row group at a
// time, before the decoder reaches it: the dictionary pages themselves (dictionaryExtraBytes)
// and the values their indices expand to (dictionaryRowBytes), which size the batches. This
// holds for objects fetched whole and for objects read in ranges alike: a row group's
// dictionary pages are read from the fetched bytes, or fetched ahead of the decoder
// (objectReader.peekOrFetch), when the batch about to be decoded first reaches it.
type dictionaryBudget struct {
	read   func(p []byte, off int64) int
	pages  *file.Reader // a second reader over read, sharing the decoder's footer
	starts []int64      // the first row of each row group
	seen   []bool
	floors []int64 // dictionaryRowBytes of each row group seen
	batch  batchSize
	grow   func(int64) error
	// reserved beyond the read plan's estimate: for the batches' output, for dictionary pages
	output, extra int64
}

func newDictionaryBudget(pf *file.Reader, read func(p []byte, off int64) int, size int64, alloc memory.Allocator, batch batchSize, grow func(int64) error) (*dictionaryBudget, error) {
	md := pf.MetaData()
	pages, err := file.NewParquetReader(peekReader{peek: read, size: size}, file.WithMetadata(md), file.WithReadProps(readerProperties(alloc)))
	if err != nil {
		return nil, Skippable("not a readable Parquet file", err)
	}
	d := &dictionaryBudget{read: read, pages: pages, batch: batch, grow: grow, output: batch.outputBytes(batch.firstRowBytes)}
	var row int64
	for rg := range md.NumRowGroups() {
		d.starts = append(d.starts, row)
		row += max(md.RowGroup(rg).NumRows(), 0)
	}
	d.seen, d.floors = make([]bool, len(d.starts)), make([]int64, len(d.starts))
	return d, nil
}

func (d *dictionaryBudget) close() { d.pages.Close() }

// rowFloor is the least a row among rows [from, to) is counted for: the most any of their row
// groups' dictionary values decode to. Row groups seen for the first time first grow the
// reservation for their dictionary pages and for batches of rows that wide.
func (d *dictionaryBudget) rowFloor(from, to int64) (int64, error) {
	first := max(sort.Search(len(d.starts), func(i int) bool { return d.starts[i] > from })-1, 0)
	var floor int64
	for rg := first; rg < len(d.starts) && (rg == first || d.starts[rg] < to); rg++ {
		if !d.seen[rg] {
			if err := d.see(rg); err != nil {
				return 0, err
			}
		}
		floor = max(floor, d.floors[rg])
	}
	return floor, nil
}

func (d *dictionaryBudget) see(rg int) error {
	d.seen[rg] = true
	md := d.pages.MetaData()
	if extra := dictionaryExtraBytes(md, rg, d.read); extra > d.extra {
		if err := d.grow(extra - d.extra); err != nil {
			return err
		}
		d.extra = extra
	}
	d.floors[rg] = dictionaryRowBytes(d.pages, rg)
	if out := d.batch.outputBytes(d.floors[rg]); out > d.output {
		if err := d.grow(out - d.output); err != nil {
			return err
		}
		d.output = out
	}
	return nil
}
