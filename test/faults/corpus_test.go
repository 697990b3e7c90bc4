package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// TestCorruptCorpusThroughPlugin uploads 240 seeded corrupt variants, one table each, and
// syncs the tables one by one: every object is either skipped (at Init or at Sync) with a
// warning naming it and zero rows, or delivered exactly; the process never dies.
func TestCorruptCorpusThroughPlugin(t *testing.T) {
	t.Parallel()
	variants, err := parquetgen.Corpus(9, 240)
	if err != nil {
		t.Fatal(err)
	}
	objects := map[string][]byte{}
	for _, v := range variants {
		objects["corpus/"+v.Name+"/data.parquet"] = v.Data
	}
	bucket := s3.newBucket(t)
	s3.putAll(t, bucket, objects)
	p := startPlugin(t, 0)
	proxy := startProxy(t)
	if err := p.init(context.Background(), spec(bucket, proxy.URL(), nil)); err != nil {
		t.Fatalf("Init: %v", err)
	}
	tables, err := p.client.GetTables(context.Background(), &pb.GetTables_Request{Tables: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, b := range tables.Tables {
		sc, err := pb.NewSchemaFromBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		name, _ := sc.Metadata().GetValue("cq:table_name")
		declared[name] = true
	}
	// A table missing from GetTables was skipped at Init; its warning must name the key. The
	// plugin's output is copied asynchronously, so the warnings are awaited, not read once.
	undeclared := 0
	for _, v := range variants {
		if !declared["corpus_"+strings.ReplaceAll(v.Name, "-", "_")] {
			undeclared++
		}
	}
	skippedAtInit := map[string]bool{}
	for _, l := range p.waitLog("skipping object", undeclared) {
		skippedAtInit[fmt.Sprint(l["key"])] = true
	}
	outcomes := map[string]int{}
	syncs := 0
	for _, v := range variants {
		key := "corpus/" + v.Name + "/data.parquet"
		table := "corpus_" + strings.ReplaceAll(v.Name, "-", "_")
		if !declared[table] {
			if !skippedAtInit[key] {
				t.Fatalf("%s (%s): no table declared, and no Init warning names %s", v.Name, v.What, key)
			}
			outcomes["skipped at Init"]++
			continue
		}
		if skippedAtInit[key] {
			t.Fatalf("%s (%s): Init warned it skipped %s, yet declared table %s", v.Name, v.What, key, table)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		res, err := p.sync(ctx, []string{table}, nil)
		cancel()
		if err != nil {
			t.Fatalf("%s (%s): Sync failed: %v", v.Name, v.What, err)
		}
		if !slices.Equal(res.migrations, []string{table}) {
			t.Fatalf("%s: table %s not synced (%d tables from GetTables)", v.Name, table, len(tables.Tables))
		}
		syncs++
		if s := summary(t, p, syncs); len(res.records[table]) == 0 {
			if s["objects_skipped"] != float64(1) || !strings.Contains(fmt.Sprint(s["skipped_keys"]), key) {
				t.Fatalf("%s (%s): zero rows, but the summary does not name it skipped: %v", v.Name, v.What, s)
			}
			outcomes["skipped at Sync"]++
			continue
		}
		if d := parquetgen.Diff(decodedRows(t, res, table), v.Rows); d != "" {
			t.Fatalf("%s (%s): delivered but not exact: %s", v.Name, v.What, d)
		}
		outcomes["delivered exactly"]++
	}
	if _, err := p.client.GetName(context.Background(), &pb.GetName_Request{}); err != nil {
		t.Fatalf("the plugin stopped serving: %v", err)
	}
	t.Logf("%d variants: %v", len(variants), outcomes)
	// The seeded corpus reaches every path (measured: 24 at Init, 201 at Sync, 15 exact): a
	// corpus or a plugin that stops reaching one of them no longer tests it.
	for outcome, least := range map[string]int{"skipped at Init": 10, "skipped at Sync": 100, "delivered exactly": 5} {
		if outcomes[outcome] < least {
			t.Errorf("only %d variants %s, want at least %d: the corpus no longer exercises that path", outcomes[outcome], outcome, least)
		}
	}
}
