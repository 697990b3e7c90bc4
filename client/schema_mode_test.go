package client

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
)

// keyOwnedBy is the first key of the form prefix-NNN.parquet that shard num of total owns.
func keyOwnedBy(t *testing.T, prefix string, num, total int) string {
	t.Helper()
	for i := range 1000 {
		if key := fmt.Sprintf("%s-%03d.parquet", prefix, i); shardOf(key, total) == num {
			return key
		}
	}
	t.Fatalf("no key of %s owned by shard %d/%d", prefix, num, total)
	return ""
}

// oneShardDiffers has table m: 24 objects with n int64 NOT NULL, and one object, owned by
// shard 2/2 only, whose n is `odd`. Object j holds n = 10j, 10j+1; the odd one holds no ids.
func oneShardDiffers(t *testing.T, s3 *testS3, bucket string, odd arrow.RecordBatch) (oddKey string) {
	t.Helper()
	s3.CreateBucket(bucket)
	for j := range 24 {
		s3.Put(bucket, fmt.Sprintf("m/a-%03d.parquet", j), writeParquet(t, int64Record(t, "n", int64(10*j), int64(10*j+1)), 100))
	}
	oddKey = keyOwnedBy(t, "m/z", 2, 2)
	s3.Put(bucket, oddKey, writeParquet(t, odd, 100))
	return oddKey
}

// shardAttempt is one shard's Init and Sync: the tables it declared, its rows, its error.
type shardAttempt struct {
	tables  []string // "name: columns fingerprint"
	ids     []int64
	initErr error
	syncErr error
}

func attemptShard(t *testing.T, spec []byte, num, total int) shardAttempt {
	t.Helper()
	p, _, err := loggedPlugin(t, spec)
	if err != nil {
		return shardAttempt{initErr: err}
	}
	var a shardAttempt
	tables, err := p.Tables(context.Background(), plugin.TableOptions{Tables: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		a.tables = append(a.tables, tb.Name+": "+columnsFingerprint(tb.Columns))
	}
	msgs, err := p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"*"}, Shard: &plugin.Shard{Num: int32(num), Total: int32(total)}})
	a.syncErr = err
	for _, m := range msgs {
		if mt, ok := m.(*message.SyncMigrateTable); ok && !slices.Contains(a.tables, mt.Table.Name+": "+columnsFingerprint(mt.Table.Columns)) {
			t.Errorf("shard %d/%d migrates %s with columns other than it declares", num, total, mt.Table.Name)
		}
	}
	a.ids = syncedIDs(t, msgs)
	_ = p.OnSyncFinish(context.Background())
	return a
}

// Issue #29, goal 5: a change that only one shard's objects carry. Every shard must declare
// the same table (columns, types, nullability), in both schema modes, and the shards together
// deliver every row once.
func TestShardsDeclareTheSameTableWhenOneShardsObjectDiffers(t *testing.T) {
	s3 := startS3(t)
	// the odd object's n is nullable: only its owner reads its footer with schema: sample
	oneShardDiffers(t, s3, "nullable", recordOf(t, arrow.Field{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, int64(1000), int64(1001)))
	for _, mode := range []string{"union", "sample"} {
		spec := s3.specJSON("nullable", `,"schema":"`+mode+`"`)
		one, two := attemptShard(t, spec, 1, 2), attemptShard(t, spec, 2, 2)
		if one.initErr != nil || two.initErr != nil || one.syncErr != nil || two.syncErr != nil {
			t.Fatalf("schema %s: errors %v %v %v %v", mode, one.initErr, two.initErr, one.syncErr, two.syncErr)
		}
		if len(one.tables) != 1 || !slices.Equal(one.tables, two.tables) {
			t.Errorf("schema %s: shard 1/2 declares %v, shard 2/2 %v", mode, one.tables, two.tables)
		}
		ids := slices.Sorted(slices.Values(append(one.ids, two.ids...)))
		if len(ids) != 2*24+2 || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Errorf("schema %s: the shards delivered %d ids together, want 50 once each", mode, len(ids))
		}
	}
}

// A type change in one shard's object: union fails every shard's Init; sample fails the sync
// of the shard that owns the object, naming the table, the column, both types and both objects,
// before any of that object's rows — and the other shard declares the very same table.
func TestTypeChangeInOneShardsObjectFailsClearly(t *testing.T) {
	s3 := startS3(t)
	oddKey := oneShardDiffers(t, s3, "typed", stringRecord(t, "n", "x"))

	union := s3.specJSON("typed", "")
	for num := 1; num <= 2; num++ {
		a := attemptShard(t, union, num, 2)
		if a.initErr == nil || !strings.Contains(a.initErr.Error(), `table m: column "n" is int64 in m/a-000.parquet but utf8 in `+oddKey) {
			t.Errorf("union, shard %d/2: Init error %v", num, a.initErr)
		}
	}

	sample := s3.specJSON("typed", `,"schema":"sample"`)
	one, two := attemptShard(t, sample, 1, 2), attemptShard(t, sample, 2, 2)
	if one.initErr != nil || one.syncErr != nil || two.initErr != nil {
		t.Fatalf("sample: errors %v %v %v", one.initErr, one.syncErr, two.initErr)
	}
	if len(one.tables) != 1 || !slices.Equal(one.tables, two.tables) {
		t.Errorf("sample: shard 1/2 declares %v, shard 2/2 %v", one.tables, two.tables)
	}
	want := fmt.Sprintf(`table m: s3://typed/%s: column "n" is utf8 here but int64 in m/a-000.parquet, the sample table m was declared from (schema: sample)`, oddKey)
	if two.syncErr == nil || !strings.Contains(two.syncErr.Error(), want) {
		t.Errorf("sample, shard 2/2: sync error %v, want one containing %q", two.syncErr, want)
	}
	// strict off does not turn the mismatch into a skip: the table is declared already
	if a := attemptShard(t, s3.specJSON("typed", `,"schema":"sample","strict":false`), 2, 2); a.syncErr == nil {
		t.Errorf("sample, strict off: the mismatch did not fail the sync")
	}
}

// With schema: sample, Init lists one key and reads nothing: a shard's Sync discovers. It lists
// the bucket, keeps only the objects it owns (issue #29, goal 3), reads one footer per table
// (its sample) and then the footer and body of each object it owns, and nothing of the others.
func TestSampleShardDiscoversOnlyItsShareAtSync(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("sampled")
	for j := range 40 {
		s3.Put("sampled", fmt.Sprintf("t%d/p-%03d.parquet", j%2, j), writeParquet(t, int64Record(t, "n", int64(j)), 100))
	}
	spec := s3.specJSON("sampled", `,"schema":"sample"`)
	s3.ObjectGets()
	p, logs, err := loggedPlugin(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	if gets := s3.ObjectGets(); len(gets) != 0 {
		t.Errorf("Init made %d object GETs, want none (the Sync discovers)", len(gets))
	}
	msgs, err := p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"*"}, Shard: &plugin.Shard{Num: 3, Total: 4}})
	if err != nil {
		t.Fatal(err)
	}
	owned := 0
	for j := range 40 {
		if shardOf(fmt.Sprintf("t%d/p-%03d.parquet", j%2, j), 4) == 3 {
			owned++
		}
	}
	if rows := len(syncedIDs(t, msgs)); rows != owned {
		t.Errorf("shard 3/4 delivered %d rows, it owns %d one-row objects", rows, owned)
	}
	// two samples' footers, then each small object fetched whole, once: its footer is parsed from those bytes
	if gets := len(s3.ObjectGets()); gets != 2+owned {
		t.Errorf("shard 3/4's Sync made %d object GETs, want %d: 2 samples and one for each of its %d objects", gets, 2+owned, owned)
	}
	if found := logLines(logs, "discovery finished"); len(found) != 1 || found[0]["objects"] != float64(owned) || found[0]["objects_listed"] != float64(40) || found[0]["footers_read"] != float64(2) {
		t.Errorf("discovery log %v: want 40 objects listed, the %d owned kept, 2 footers read", found, owned)
	}
	// GetTables discovers every object, and declares what the shard's Sync migrated
	var migrated []string
	for _, m := range msgs {
		if mt, ok := m.(*message.SyncMigrateTable); ok {
			migrated = append(migrated, mt.Table.Name+": "+columnsFingerprint(mt.Table.Columns))
		}
	}
	tables, err := p.Tables(context.Background(), plugin.TableOptions{Tables: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, tb := range tables {
		if c := tb.Column("n"); c == nil || c.NotNull || !tb.Columns[0].PrimaryKey {
			t.Errorf("table %s: column n %+v, want nullable (and _cq_id first, the primary key)", tb.Name, c)
		}
		declared = append(declared, tb.Name+": "+columnsFingerprint(tb.Columns))
	}
	if len(declared) != 2 || !slices.Equal(declared, migrated) {
		t.Errorf("GetTables declares %v, the shard's Sync migrated %v", declared, migrated)
	}
}

// An object too large to fetch whole has its footer read with a ranged GET at Sync, then is
// read as planned.
func TestSampleReadsALargeObjectsFooterAtSync(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("large")
	small := writeParquet(t, int64Record(t, "n", 1), 100)
	s3.Put("large", "t/a.parquet", small)
	values := make([]int64, 700_000)
	for i := range values {
		values[i] = int64(i) * 2654435761 // incompressible enough: several MiB
	}
	big := writeParquet(t, int64Record(t, "n", values...), 1<<20)
	if len(big) <= 4<<20 {
		t.Fatalf("the large object has %d bytes, not more than a quarter of the 16 MiB budget", len(big))
	}
	s3.Put("large", "t/b.parquet", big)
	p, _, err := loggedPlugin(t, s3.specJSON("large", `,"schema":"sample","memory_budget":16777216`))
	if err != nil {
		t.Fatal(err)
	}
	s3.ObjectGets()
	msgs, err := p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	if rows := rowsByTable(msgs)["t"]; rows != 1+700_000 {
		t.Errorf("%d rows, want 700,001", rows)
	}
	gets := s3.ObjectGets()
	const footerTail = 64 << 10 // what parquetread fetches first of an object: its footer, usually
	tail := fmt.Sprintf("bytes=%d-%d", len(big)-footerTail, len(big)-1)
	if slices.Index(gets, tail) < 0 || slices.Contains(gets[slices.Index(gets, tail)+1:], tail) || !slices.Contains(gets, fmt.Sprintf("bytes=0-%d", len(small)-1)) {
		t.Errorf("GETs %q: want the small object whole once, the large one's last 64 KiB once (its footer), then its planned ranges", gets)
	}
}

func TestSampleIsTheOldestObject(t *testing.T) {
	now := time.Now()
	objs := []*parquetObject{
		{Object: s3store.Object{Key: "t/a", LastModified: now.Add(time.Hour)}},
		{Object: s3store.Object{Key: "t/c", LastModified: now}},
		{Object: s3store.Object{Key: "t/b", LastModified: now}},
	}
	if got := sampleOrder(objs); got[0].Key != "t/b" || got[1].Key != "t/c" || got[2].Key != "t/a" {
		t.Errorf("sample order %s %s %s, want t/b t/c t/a (oldest, then by key)", got[0].Key, got[1].Key, got[2].Key)
	}
}

func TestSchemaModeIsValidated(t *testing.T) {
	_, err := ParseSpec([]byte(`{"bucket":"b","region":"r","schema":"guess"}`))
	if err == nil || !strings.Contains(err.Error(), `spec.schema "guess" is not supported (supported: union, sample)`) {
		t.Errorf("error %v", err)
	}
	s, err := ParseSpec([]byte(`{"bucket":"b","region":"r"}`))
	if err != nil || s.Schema != schemaUnion {
		t.Errorf("default schema %v, %v", s, err)
	}
}

// Issue #29, goal 2: with a state backend, a repeated sync of a bucket where nothing changed
// reads no footer and no object (the samples' schemas come from the schema manifest); one
// with k new objects reads those k (one GET each); a rewritten sample is read again.
func TestSampleIncrementalSyncReadsOnlyWhatChanged(t *testing.T) {
	backend := useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("incsample")
	for j := range 20 {
		s3.Put("incsample", fmt.Sprintf("t%d/p-%03d.parquet", j%2, j), writeParquet(t, int64Record(t, "n", int64(j)), 100))
	}
	spec := s3.specJSON("incsample", `,"schema":"sample"`)
	sync := func(wantRows, wantGets int) {
		t.Helper()
		s3.ObjectGets()
		msgs, err := syncOnce(t, spec, withBackend)
		if err != nil {
			t.Fatal(err)
		}
		if rows := len(syncedIDs(t, msgs)); rows != wantRows {
			t.Errorf("%d rows, want %d", rows, wantRows)
		}
		if gets := s3.ObjectGets(); len(gets) != wantGets {
			t.Errorf("Init and Sync made %d object GETs %q, want %d", len(gets), gets, wantGets)
		}
	}
	sync(20, 2+20) // the two samples' footers, then one GET per object
	if v := backend.get(schemaManifestKey("incsample", "t0")); !strings.Contains(v, `"key":"t0/p-000.parquet"`) {
		t.Fatalf("t0's schema manifest is %q", v)
	}
	sync(0, 0)
	for j := 20; j < 23; j++ {
		s3.Put("incsample", fmt.Sprintf("t%d/p-%03d.parquet", j%2, j), writeParquet(t, int64Record(t, "n", int64(j)), 100))
	}
	sync(3, 3)
	// t0's sample rewritten: another version (or, a second later, another object) is t0's sample now
	s3.Put("incsample", "t0/p-000.parquet", writeParquet(t, int64Record(t, "n", 100), 100))
	sync(1, 1+1)
	// a manifest that does not describe the sample (or cannot be read) is not trusted
	backend.set(schemaManifestKey("incsample", "t1"), `{"format":1,"key":"t1/p-001.parquet","etag":"\"other\"","schema":""}`)
	backend.set(schemaManifestKey("incsample", "t0"), `not json`)
	sync(0, 2)
	sync(0, 0)
}

// Every shard of any total shares a table's schema manifest: once one shard stored it, the
// others read no sample footer, and declare the very same tables.
func TestShardsShareTheSchemaManifest(t *testing.T) {
	useMemoryBackend(t)
	s3 := startS3(t)
	s3.CreateBucket("shared")
	for j := range 30 {
		s3.Put("shared", fmt.Sprintf("t%d/p-%03d.parquet", j%3, j), writeParquet(t, int64Record(t, "n", int64(j)), 100))
	}
	spec := s3.specJSON("shared", `,"schema":"sample"`)
	var declared [][]string
	for num := 1; num <= 3; num++ {
		opts := withBackend
		opts.Shard = &plugin.Shard{Num: int32(num), Total: 3}
		s3.ObjectGets()
		msgs, err := syncOnce(t, spec, opts)
		if err != nil {
			t.Fatal(err)
		}
		owned, samples := 0, 0
		for j := range 30 {
			if shardOf(fmt.Sprintf("t%d/p-%03d.parquet", j%3, j), 3) == num {
				owned++
			}
		}
		if num == 1 {
			samples = 3
		}
		if gets := len(s3.ObjectGets()); gets != samples+owned {
			t.Errorf("shard %d/3 made %d object GETs, want %d samples and its %d objects", num, gets, samples, owned)
		}
		var tables []string
		for _, m := range msgs {
			if mt, ok := m.(*message.SyncMigrateTable); ok {
				tables = append(tables, mt.Table.Name+": "+columnsFingerprint(mt.Table.Columns))
			}
		}
		declared = append(declared, tables)
	}
	if len(declared[0]) != 3 || !slices.Equal(declared[0], declared[1]) || !slices.Equal(declared[0], declared[2]) {
		t.Errorf("the shards declared %v", declared)
	}
}

// A table whose oldest object is unreadable takes the next oldest as its sample, in every
// shard: a shard that does not own the table's other objects lists the table's directory again
// for them. The unreadable object is skipped, and counted by its owner alone.
func TestUnreadableSampleFallsBackAlikeInEveryShard(t *testing.T) {
	s3 := startS3(t)
	s3.CreateBucket("badsample")
	s3.Put("badsample", "t/a-000.parquet", []byte("not parquet at all"))
	for j := 1; j < 12; j++ {
		s3.Put("badsample", fmt.Sprintf("t/a-%03d.parquet", j), writeParquet(t, int64Record(t, "n", int64(j)), 100))
	}
	spec := s3.specJSON("badsample", `,"schema":"sample"`)
	var declared []string
	skipped, rows := 0, 0
	for num := 1; num <= 3; num++ {
		run := runShard(t, spec, plugin.SyncOptions{Tables: []string{"*"}, Shard: &plugin.Shard{Num: int32(num), Total: 3}})
		if len(run.tables) != 1 || (declared != nil && !slices.Equal(run.tables, declared)) {
			t.Errorf("shard %d/3 declares %v, shard 1/3 %v", num, run.tables, declared)
		}
		declared = run.tables
		skipped += int(run.summary["objects_skipped"].(float64))
		rows += len(run.ids)
	}
	if skipped != 1 || rows != 11 {
		t.Errorf("the shards skipped %d objects and delivered %d rows, want 1 (the unreadable sample) and 11", skipped, rows)
	}
	// the fallback sample is the same object in a shard that does not own it: the error of a
	// mismatching object names it
	num := shardOf("t/a-001.parquet", 3)%3 + 1
	oddKey := keyOwnedBy(t, "t/z", num, 3)
	s3.Put("badsample", oddKey, writeParquet(t, stringRecord(t, "n", "x"), 100))
	p, _, err := loggedPlugin(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"*"}, Shard: &plugin.Shard{Num: int32(num), Total: 3}})
	if want := `column "n" is utf8 here but int64 in t/a-001.parquet, the sample`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("shard %d/3 (which does not own t/a-001.parquet): sync error %v, want one containing %q", num, err, want)
	}
	s3.Delete("badsample", oddKey)
	p, _, err = loggedPlugin(t, s3.specJSON("badsample", `,"schema":"sample","strict":true`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.SyncAll(context.Background(), plugin.SyncOptions{Tables: []string{"*"}, Shard: &plugin.Shard{Num: 2, Total: 3}})
	if err == nil || !strings.Contains(err.Error(), "t/a-000.parquet") || !strings.Contains(err.Error(), "strict") {
		t.Errorf("strict: the unreadable sample did not fail the sync naming it: %v", err)
	}
}

// Samples of tables written alike share one schema; a difference in metadata keeps them apart.
func TestSamplesShareIdenticalSchemas(t *testing.T) {
	field := func(meta ...string) arrow.Field {
		f := arrow.Field{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}
		if len(meta) > 0 {
			f.Metadata = arrow.NewMetadata([]string{meta[0]}, []string{meta[1]})
		}
		return f
	}
	a, b := arrow.NewSchema([]arrow.Field{field()}, nil), arrow.NewSchema([]arrow.Field{field()}, nil)
	c := arrow.NewSchema([]arrow.Field{field("PARQUET:field_id", "7")}, nil)
	samples := []*parquetObject{{Schema: a}, {Schema: b}, {Schema: c}}
	shareSchemas(samples)
	if samples[1].Schema != a || samples[2].Schema != c {
		t.Errorf("shared %p %p %p, want the first two to share a's schema and the third to keep its own", samples[0].Schema, samples[1].Schema, samples[2].Schema)
	}
}
