package client

import (
	"strings"
	"testing"
)

// An empty column name, and names equal up to case, fail Init naming the file and the columns:
// PostgreSQL quotes identifiers (it would keep "Id" and "id" apart), destinations that fold case
// cannot, so the table would mean something else in each.
func TestColumnNamesThatNoDestinationAgreesOnFailInit(t *testing.T) {
	cases := []struct {
		names []string
		want  []string
	}{
		{[]string{"id", ""}, []string{"t/part-0.parquet", "column 1", "empty name"}},
		{[]string{"Id", "id"}, []string{"t/part-0.parquet", `"Id"`, `"id"`, "differ only in case"}},
		{[]string{"a_b", "x", "A_B"}, []string{"t/part-0.parquet", `"a_b"`, `"A_B"`, "differ only in case"}},
		{[]string{"_cq_id", "_CQ_ID"}, []string{"t/part-0.parquet", `"_cq_id"`, `"_CQ_ID"`, "differ only in case"}},
		{[]string{"_CQ_ID", "upstream_cq_id"}, []string{"t/part-0.parquet", `"_CQ_ID"`, `"upstream_cq_id"`, "rename one of them"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.names, ","), func(t *testing.T) {
			s3 := startS3(t)
			s3.CreateBucket("names")
			values := make([][]string, len(c.names))
			for i := range values {
				values[i] = []string{"v"}
			}
			s3.Put("names", "t/part-0.parquet", writeParquet(t, stringColumns(t, c.names, values...), 10))
			_, err := initPlugin(t, s3.specJSON("names", ""))
			for _, want := range c.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("want an error containing %s, got %v", want, err)
				}
			}
		})
	}
}

// `_CQ_ID` is CloudQuery's `_cq_id` to a destination that folds case: it is renamed like it.
func TestInheritedCloudQueryColumnsAreRenamedInAnyCase(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("upper")
	s3.Put("upper", "t/part-0.parquet", writeParquet(t, stringColumns(t,
		[]string{"_CQ_ID", "_Cq_Source_Name", "name"},
		[]string{"00000000-0000-4000-8000-000000000001"}, []string{"aws"}, []string{"x"}), 10))
	p, err := initPlugin(t, s3.specJSON("upper", ""))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(oneTable(t, p).Columns.Names(), ","); got != "_cq_id,upstream_cq_id,upstream_cq_source_name,name" {
		t.Fatalf("columns %s", got)
	}
	rec := syncAll(t, p).GetInserts()[0].Record
	if got := rec.Column(1).ValueStr(0) + " " + rec.Column(2).ValueStr(0); got != "00000000-0000-4000-8000-000000000001 aws" {
		t.Fatalf("the file's values must arrive under the new names, got %s", got)
	}
}
