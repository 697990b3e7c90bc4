package client

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// Page CRCs as a real writer stores them (pyarrow's write_page_checksum, testdata/pagecrc/make.py):
// one byte flipped inside a data page's values. With the CRCs the object is skipped naming it
// (spec.strict: the sync fails naming it), whether it is fetched whole or read in ranges; the
// same flip in the same file written without CRCs is delivered as a wrong id, so the CRC is
// what catches it. Before, objects read in ranges were not checked.
func TestPageChecksumsOfAPyarrowFile(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("crc")
	for _, name := range []string{"crc", "nocrc"} {
		data, err := os.ReadFile("testdata/pagecrc/" + name + ".parquet")
		if err != nil {
			t.Fatal(err)
		}
		s3.Put("crc", name+"/bad.parquet", flipInSecondIDPage(t, data))
	}
	for _, ranged := range []bool{false, true} {
		t.Run(fmt.Sprintf("ranged %v", ranged), func(t *testing.T) {
			if ranged {
				readInRanges(t)
			}
			p, logs, err := loggedPlugin(t, s3.specJSON("crc", `,"path_prefix":"crc/"`))
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := syncAllSent(p, allTables)
			if err != nil || len(msgs.GetInserts()) != 0 {
				t.Fatalf("want the object skipped: %d records, %v", len(msgs.GetInserts()), err)
			}
			skips := logLines(logs, "object skipped")
			if len(skips) != 1 || skips[0]["key"] != "crc/bad.parquet" || skips[0]["reason"] != "page checksum mismatch" || !strings.Contains(fmt.Sprint(skips[0]["error"]), "has CRC32") {
				t.Fatalf("want one skip of crc/bad.parquet for its page checksum, got %v", skips)
			}

			p, err = initPlugin(t, s3.specJSON("crc", `,"path_prefix":"crc/","strict":true`))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := syncAllSent(p, allTables); err == nil || !strings.Contains(err.Error(), "s3://crc/crc/bad.parquet") || !strings.Contains(err.Error(), "page checksum mismatch") {
				t.Fatalf("strict: want the sync to fail naming the object and its page checksum, got %v", err)
			}

			p, err = initPlugin(t, s3.specJSON("crc", `,"path_prefix":"nocrc/"`))
			if err != nil {
				t.Fatal(err)
			}
			msgs, err = syncAllSent(p, allTables)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, ins := range msgs.GetInserts() {
				ids = append(ids, ins.Record.Column(ins.Record.Schema().FieldIndices("id")[0]).(*array.Int64).Int64Values()...)
			}
			slices.Sort(ids)
			if len(ids) != 3000 || ids[2999] == 2999 {
				t.Fatalf("without CRCs the flip must go unnoticed as one wrong id: %d rows, largest %v", len(ids), ids[len(ids)-1:])
			}
		})
	}
}

var allTables = plugin.SyncOptions{Tables: []string{"*"}}

// flipInSecondIDPage flips a byte of the last value in row group 1's second page of column id.
func flipInSecondIDPage(t *testing.T, data []byte) []byte {
	t.Helper()
	pages, err := parquetgen.Pages(data)
	if err != nil {
		t.Fatal(err)
	}
	var idPages []parquetgen.Page
	for _, p := range pages {
		if p.RowGroup == 1 && p.Column == 0 && p.Type == parquetgen.PageData {
			idPages = append(idPages, p)
		}
	}
	if len(idPages) < 2 {
		t.Fatalf("the fixture has %d data pages of id in row group 1, want 2 or more", len(idPages))
	}
	out := slices.Clone(data)
	out[idPages[1].Payload()+int64(idPages[1].PayloadLen)-3] ^= 0x40
	return out
}
