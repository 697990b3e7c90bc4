package client

import (
	"strings"
	"testing"

	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
)

func TestTableNameForKey(t *testing.T) {
	cases := []struct{ key, want string }{
		{"datafile_0.parquet", "datafile_0"},
		{"data/2024/datafile_1.parquet", "data_2024"},
		{"data/2024/01/14/x.parquet", "data_2024_01_14"},
		{"Sales Data/Q1-2024/part.parquet", "sales_data_q1_2024"},
		{"2024/x.parquet", "t_2024"},
		{"ÜBER/ä.parquet", "ber"},
		{"a..b//c/x.PARQUET", "a_b_c"},
		{"---.parquet", "t_"},
		{"events.v2/part-0001.parquet", "events_v2"},
	}
	for _, c := range cases {
		if got := tableName(tableSource(c.key)); got != c.want {
			t.Errorf("%s: got table %q, want %q", c.key, got, c.want)
		}
	}
}

func TestIsParquetKey(t *testing.T) {
	for key, want := range map[string]bool{"a.parquet": true, "a/B.PARQUET": true, "a.csv": false, "a.parquet.tmp": false, "dir.parquet/": false} {
		if isParquetKey(key) != want {
			t.Errorf("isParquetKey(%q) = %v", key, !want)
		}
	}
}

func TestGroupTablesRejectsNameCollision(t *testing.T) {
	rec := int64Record(t, "id", 1)
	objs := []*parquetObject{
		{Object: s3store.Object{Key: "data-2024/a.parquet"}, Schema: rec.Schema()},
		{Object: s3store.Object{Key: "data_2024/b.parquet"}, Schema: rec.Schema()},
	}
	_, err := groupTables(objs)
	if err == nil || !strings.Contains(err.Error(), `"data-2024/" and "data_2024/" both map to table name "data_2024"`) {
		t.Fatalf("got %v", err)
	}
}

func TestGroupTablesRejectsSchemaConflicts(t *testing.T) {
	ints, strs, other := int64Record(t, "id", 1), stringRecord(t, "id", "x"), int64Record(t, "key", 1)
	cases := []struct {
		name   string
		second *parquetObject
		want   string
	}{
		{"type", &parquetObject{Object: s3store.Object{Key: "t/b.parquet"}, Schema: strs.Schema()}, `table t: column "id" is int64 in t/a.parquet but utf8 in t/b.parquet`},
		{"name", &parquetObject{Object: s3store.Object{Key: "t/b.parquet"}, Schema: other.Schema()}, `column 0 is "id" in t/a.parquet but "key" in t/b.parquet`},
		{"extra column", &parquetObject{Object: s3store.Object{Key: "t/b.parquet"}, Schema: allTypesSchema}, `t/b.parquet has column "small" (int32) that t/a.parquet lacks`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := groupTables([]*parquetObject{{Object: s3store.Object{Key: "t/a.parquet"}, Schema: ints.Schema()}, c.second})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q, got %v", c.want, err)
			}
		})
	}
}

// One rule for every pair of sources that normalise to one name, root objects included.
func TestGroupTablesRejectsEverySourceCollision(t *testing.T) {
	rec := int64Record(t, "id", 1)
	cases := []struct{ a, b, want string }{
		{"events.parquet", "events/part-0.parquet", `"events.parquet" and "events/" both map to table name "events"`},
		{"events.parquet", "Events/part-0.parquet", `"Events/" and "events.parquet" both map to table name "events"`},
		{"Events.parquet", "events.parquet", `"Events.parquet" and "events.parquet" both map to table name "events"`},
	}
	for _, c := range cases {
		_, err := groupTables([]*parquetObject{{Object: s3store.Object{Key: c.a}, Schema: rec.Schema()}, {Object: s3store.Object{Key: c.b}, Schema: rec.Schema()}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s + %s: want %q, got %v", c.a, c.b, c.want, err)
		}
	}
	tables, err := groupTables([]*parquetObject{{Object: s3store.Object{Key: "events/a.parquet"}, Schema: rec.Schema()}, {Object: s3store.Object{Key: "events/b.parquet"}, Schema: rec.Schema()}})
	if err != nil || len(tables) != 1 || tables[0].Source != "events/" {
		t.Fatalf("two files of one directory must form one table, got %v, %v", tables, err)
	}
}
