package client

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/rs/zerolog"
)

func initPlugin(t testing.TB, spec []byte) (*plugin.Plugin, error) {
	t.Helper()
	p := newSDKPlugin(New, plugin.WithJSONSchema(SpecJSONSchema))
	return p, p.Init(context.Background(), spec, plugin.NewClientOptions{})
}

func syncAll(t *testing.T, p *plugin.Plugin) message.SyncMessages {
	t.Helper()
	msgs, err := p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func tableNames(tables schema.Tables) []string {
	names := make([]string, len(tables))
	for i, tb := range tables {
		names[i] = tb.Name
	}
	sort.Strings(names)
	return names
}

func rowsByTable(msgs message.SyncMessages) map[string]int64 {
	out := map[string]int64{}
	for _, ins := range msgs.GetInserts() {
		name, _ := ins.Record.Schema().Metadata().GetValue(schema.MetadataTableName)
		out[name] += ins.Record.NumRows()
	}
	return out
}

func TestSyncGroupsTablesAndStreamsEveryRow(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("lake")
	s3.Put("lake", "datafile_0.parquet", writeParquet(t, allTypesRecord(t, 0, 10), 1000))
	s3.Put("lake", "data/2024/datafile_1.parquet", writeParquet(t, allTypesRecord(t, 0, 2500), 700))
	s3.Put("lake", "data/2024/datafile_2.parquet", writeParquet(t, allTypesRecord(t, 2500, 100), 1000))
	s3.Put("lake", "data/2024/01/14/x.parquet", writeParquet(t, int64Record(t, "n", 1, 2, 3), 1000))
	s3.Put("lake", "data/2024/readme.txt", []byte("not parquet"))
	s3.Put("lake", "data/2024/broken.parquet", []byte("PAR1 this is not parquet PAR1"))

	p, err := initPlugin(t, s3.specJSON("lake", `,"rows_per_record":300`))
	if err != nil {
		t.Fatal(err)
	}
	tables, err := p.Tables(context.Background(), plugin.TableOptions{Tables: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(tableNames(tables), ","), "data_2024,data_2024_01_14,datafile_0"; got != want {
		t.Fatalf("tables: got %s, want %s", got, want)
	}
	msgs := syncAll(t, p)
	migrations := 0
	for _, m := range msgs {
		if _, ok := m.(*message.SyncMigrateTable); ok {
			migrations++
		}
	}
	if got := migrations; got != 3 {
		t.Fatalf("want 3 migrate messages, got %d", got)
	}
	rows := rowsByTable(msgs)
	want := map[string]int64{"data_2024": 2600, "data_2024_01_14": 3, "datafile_0": 10}
	for name, n := range want {
		if rows[name] != n {
			t.Errorf("table %s: got %d rows, want %d", name, rows[name], n)
		}
	}
	for _, ins := range msgs.GetInserts() {
		if ins.Record.NumRows() > 300 {
			t.Fatalf("record of %d rows exceeds rows_per_record=300", ins.Record.NumRows())
		}
	}
}

func TestSyncMapsParquetTypesFaithfully(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("types")
	s3.Put("types", "all/one.parquet", writeParquet(t, allTypesRecord(t, 7, 1), 10))
	p, err := initPlugin(t, s3.specJSON("types", ""))
	if err != nil {
		t.Fatal(err)
	}
	inserts := syncAll(t, p).GetInserts()
	if len(inserts) != 1 {
		t.Fatalf("want 1 insert, got %d", len(inserts))
	}
	rec := inserts[0].Record
	wantTypes := map[string]string{
		"id": "int64", "small": "int32", "score": "float64", "name": "utf8", "active": "bool",
		"created_at": "timestamp[us, tz=UTC]", "day": "date32", "price": "decimal(10, 2)",
	}
	for _, f := range rec.Schema().Fields() {
		if want, ok := wantTypes[f.Name]; ok && f.Type.String() != want {
			t.Errorf("column %s: type %s, want %s", f.Name, f.Type, want)
		}
		if f.Name == "tags" && f.Type.ID() != arrow.LIST {
			t.Errorf("column tags: type %s, want a list", f.Type)
		}
	}
	row := map[string]string{}
	for i, f := range rec.Schema().Fields() {
		row[f.Name] = rec.Column(i).ValueStr(0)
	}
	want := map[string]string{"id": "7", "small": "7", "score": "1.75", "name": "row-7", "active": "false", "price": "7.07", "day": "2024-01-21", "tags": `["a","1"]`}
	for k, v := range want {
		if row[k] != v {
			t.Errorf("column %s: got %s, want %s", k, row[k], v)
		}
	}
	if row["created_at"] != "2024-01-14T00:00:07Z" {
		t.Errorf("created_at: got %s", row["created_at"])
	}
}

func TestDiscoveryPaginatesPastOneThousandKeys(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("many")
	body := writeParquet(t, int64Record(t, "n", 1), 10)
	for i := 0; i < 1005; i++ {
		s3.Put("many", fmt.Sprintf("events/part-%04d.parquet", i), body)
	}
	s3.Put("many", "zz_last/after_page_one.parquet", body)
	p, err := initPlugin(t, s3.specJSON("many", ""))
	if err != nil {
		t.Fatal(err)
	}
	rows := rowsByTable(syncAll(t, p))
	if rows["events"] != 1005 || rows["zz_last"] != 1 {
		t.Fatalf("want events=1005 zz_last=1, got %v", rows)
	}
}

func TestPathPrefixLimitsListing(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("pfx")
	body := writeParquet(t, int64Record(t, "n", 1), 10)
	s3.Put("pfx", "keep/a.parquet", body)
	s3.Put("pfx", "skip/b.parquet", body)
	p, err := initPlugin(t, s3.specJSON("pfx", `,"path_prefix":"keep/"`))
	if err != nil {
		t.Fatal(err)
	}
	tables, _ := p.Tables(context.Background(), plugin.TableOptions{Tables: []string{"*"}})
	if got := strings.Join(tableNames(tables), ","); got != "keep" {
		t.Fatalf("got tables %s", got)
	}
}

func TestSyncSkipsObjectDeletedAfterDiscovery(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("del")
	s3.Put("del", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1, 2), 10))
	s3.Put("del", "t/b.parquet", writeParquet(t, int64Record(t, "n", 3), 10))
	p, err := initPlugin(t, s3.specJSON("del", ""))
	if err != nil {
		t.Fatal(err)
	}
	s3.Delete("del", "t/b.parquet")
	if rows := rowsByTable(syncAll(t, p)); rows["t"] != 2 {
		t.Fatalf("want the 2 rows of the remaining object, got %v", rows)
	}
}

func TestEmptyBucketGivesZeroTables(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("empty")
	s3.Put("empty", "notes.csv", []byte("a,b"))
	p, err := initPlugin(t, s3.specJSON("empty", ""))
	if err != nil {
		t.Fatal(err)
	}
	if msgs := syncAll(t, p); len(msgs) != 0 {
		t.Fatalf("want no messages, got %d", len(msgs))
	}
}

func TestInitErrors(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("conflict")
	s3.Put("conflict", "t/a.parquet", writeParquet(t, int64Record(t, "id", 1), 10))
	s3.Put("conflict", "t/b.parquet", writeParquet(t, stringRecord(t, "id", "x"), 10))
	cases := map[string]struct {
		spec []byte
		want string
	}{
		"missing bucket": {s3.specJSON("nope", ""), "bucket nope not found"},
		// with schema: sample Init discovers nothing, but still lists a key
		"missing bucket, sample": {s3.specJSON("nope", `,"schema":"sample"`), "bucket nope not found"},
		"schema conflict":        {s3.specJSON("conflict", ""), `column "id" is int64 in t/a.parquet but utf8 in t/b.parquet`},
		"invalid spec":           {[]byte(`{"region":"r"}`), "spec.bucket is required"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := initPlugin(t, c.spec)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q, got %v", c.want, err)
			}
		})
	}
}

func TestConcurrencyOneStillSyncsEverything(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("conc1")
	for i := 0; i < 5; i++ {
		s3.Put("conc1", fmt.Sprintf("t/%d.parquet", i), writeParquet(t, int64Record(t, "n", int64(i)), 10))
	}
	p, err := initPlugin(t, s3.specJSON("conc1", `,"concurrency":1`))
	if err != nil {
		t.Fatal(err)
	}
	var seen []int64
	for _, ins := range syncAll(t, p).GetInserts() {
		seen = append(seen, ins.Record.Column(1).(*array.Int64).Int64Values()...) // after _cq_id
	}
	sort.Slice(seen, func(i, j int) bool { return seen[i] < seen[j] })
	if fmt.Sprint(seen) != "[0 1 2 3 4]" {
		t.Fatalf("got %v", seen)
	}
}

func TestCredentialsNeverAppearInLogsOrErrors(t *testing.T) {
	s3 := startS3(t)
	const secret = "SECRET-do-not-log-4f1c9a"
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", secret+"-token")
	s3.CreateBucket("creds")
	s3.Put("creds", "t/a.parquet", writeParquet(t, int64Record(t, "n", 1), 10))
	s3.Put("creds", "t/broken.parquet", []byte("not parquet"))

	var logs bytes.Buffer
	var errs []string
	for _, spec := range [][]byte{s3.specJSON("creds", `,"rows_per_record":1`), s3.specJSON("missing-bucket", "")} {
		p := newSDKPlugin(New)
		p.SetLogger(zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.TraceLevel))
		if err := p.Init(context.Background(), spec, plugin.NewClientOptions{}); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if _, err := p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"*"}}); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "bucket missing-bucket not found") {
		t.Fatalf("want the missing-bucket error, got %v", errs)
	}
	if !strings.Contains(logs.String(), "t/broken.parquet") {
		t.Fatalf("expected the skipped-object warning in the logs, got:\n%s", logs.String())
	}
	for _, text := range append(errs, logs.String()) {
		if strings.Contains(text, secret) {
			t.Fatalf("credentials leaked into: %s", text)
		}
	}
}

func TestUnknownLocalProfileIsNamed(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "credentials"))
	_, err := initPlugin(t, []byte(`{"bucket":"b","region":"us-east-1","local_profile":"no-such-profile"}`))
	if err == nil || !strings.Contains(err.Error(), `spec.local_profile="no-such-profile"`) {
		t.Fatalf("want an error naming spec.local_profile, got %v", err)
	}
}
