package parquetread

import (
	"bytes"
	"testing"

	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// A dictionary page is the one buffer the footer cannot bound: 450 distinct 260 KB values
// written in one batch make one 117 MB dictionary page (as pyarrow and arrow-go write it), and
// an object fetched whole reserves it, page and decoded dictionary, before decoding. A file
// whose dictionaries stay under the writers' 1 MiB limit needs nothing more.
func TestDictionaryPagesAreReservedWhole(t *testing.T) {
	bomb, err := parquetgen.DictionaryBomb()
	if err != nil {
		t.Fatal(err)
	}
	normal, err := parquetgen.Write(parquetgen.Rows(0, 5_000), parquetgen.Layout{Dictionary: true, RowGroupRows: 5_000})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		data     []byte
		min, max int64
	}{"dictionary bomb": {bomb, 2 * 100 << 20, 2 * 117_100_000}, "ordinary file": {normal, 0, 0}} {
		pf, err := openParquet(bytes.NewReader(c.data), nil)
		if err != nil {
			t.Fatal(err)
		}
		peek := func(p []byte, off int64) int { return copy(p, c.data[min(off, int64(len(c.data))):]) }
		if got := dictionaryExtraBytes(pf.MetaData(), 0, peek); got < c.min || got > c.max {
			t.Errorf("%s (%d bytes): %d extra bytes reserved, want %d to %d", name, len(c.data), got, c.min, c.max)
		}
	}
	if _, ok := pageUncompressedSize([]byte{0x15, 0x04, 0x15}); ok {
		t.Error("a truncated header gave a size")
	}
}
