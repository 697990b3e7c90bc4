package parquetread

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cq-source-s3/cq-source-s3/internal/s3store"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/fakes3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/parquetgen"
)

// listed puts body at key and returns the store on the bucket and the object as a listing finds it.
func listed(t *testing.T, srv *fakes3.Server, key string, body []byte) (*s3store.Store, s3store.Object) {
	t.Helper()
	srv.Put("read", key, body)
	head, err := srv.API.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("read"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	api, retryer, err := s3store.NewClient(context.Background(), s3store.ClientOptions{
		Region: "us-east-1", Endpoint: srv.Endpoint, PathStyle: true, MaxAttempts: 1, RequestTimeout: time.Minute, MaxConns: 8,
	})
	if err != nil {
		t.Fatal(err)
	}
	store := &s3store.Store{API: api, Bucket: "read", Retryer: retryer, MaxAttempts: 1, OperationTimeout: time.Minute, RequestTimeout: time.Minute}
	return store, s3store.Object{Key: key, Size: aws.ToInt64(head.ContentLength), ETag: aws.ToString(head.ETag)}
}

// The entry points alone, as discovery and a sync call them: ReadFooter's schema and plan,
// then ReadObject delivers every row in order, with one GET for an object planned whole and
// several ranged GETs for one planned in ranges, and gives its budget back.
func TestReadObjectDeliversEveryRow(t *testing.T) {
	want := parquetgen.Rows(0, 20_000)
	body, err := parquetgen.Write(want, parquetgen.Layout{Dictionary: true, RowGroupRows: 5_000, PageBytes: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := fakes3.Start(t)
	srv.CreateBucket("read")
	store, obj := listed(t, srv, "t/rows.parquet", body)
	for name, wholeBytes := range map[string]int64{"whole": obj.Size, "in ranges": 0} {
		t.Run(name, func(t *testing.T) {
			sc, plan, err := ReadFooter(context.Background(), store, obj, wholeBytes)
			if err != nil || sc.NumFields() != parquetgen.Schema.NumFields() || plan.whole != (wholeBytes > 0) || plan.numRows != 20_000 {
				t.Fatalf("footer: %v, plan %+v, %v", sc, plan, err)
			}
			srv.ObjectGets()
			r := NewReader(store, Options{MemoryBudget: 16 << 20, RowsPerRecord: 1_000})
			var got []parquetgen.Row
			err = r.ReadObject(context.Background(), obj, plan, func(rec arrow.RecordBatch) error {
				rows, err := parquetgen.RowsOf(rec)
				got = append(got, rows...)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if d := parquetgen.Diff(got, want); d != "" || got[0].ID != 0 || got[len(got)-1].ID != 19_999 {
				t.Fatalf("rows: %s", d)
			}
			gets := srv.ObjectGets()
			if wholeBytes > 0 && len(gets) != 1 || wholeBytes == 0 && len(gets) < 2 {
				t.Errorf("%d GETs (%v)", len(gets), gets)
			}
			if held := r.budget.reserved.Load(); held != 0 {
				t.Errorf("%d bytes of the budget still reserved", held)
			}
		})
	}
}

// What went wrong is the reader's failure, not what the Parquet library made of it: an object
// replaced since its footer was read is a content error saying so (not "not a readable Parquet file"), and so is one whose bytes
// are not Parquet; an error of emit comes back unchanged.
func TestReadObjectReportsTheCause(t *testing.T) {
	body, err := parquetgen.Write(parquetgen.Rows(0, 1_000), parquetgen.Layout{})
	if err != nil {
		t.Fatal(err)
	}
	srv := fakes3.Start(t)
	srv.CreateBucket("read")
	store, obj := listed(t, srv, "t/a.parquet", body)
	_, plan, err := ReadFooter(context.Background(), store, obj, obj.Size)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(store, Options{MemoryBudget: 16 << 20, RowsPerRecord: 1_000})
	stop := errors.New("destination gone")
	if err := r.ReadObject(context.Background(), obj, plan, func(arrow.RecordBatch) error { return stop }); err != stop {
		t.Errorf("emit's error: got %v", err)
	}
	// Replaced: another ETag and size. The fake S3 ignores If-Match, so the reader finds it by the
	// answer's ETag (S3 itself answers 412: "changed since listing").
	srv.Put("read", obj.Key, append(body[:len(body):len(body)], 'x'))
	var se *SkippableError
	if err := r.ReadObject(context.Background(), obj, plan, func(arrow.RecordBatch) error { return nil }); !errors.As(err, &se) || se.Reason != "bytes differ from the listed object" {
		t.Errorf("replaced object: got %v", err)
	}
	_, notParquet := listed(t, srv, "t/b.parquet", []byte("not parquet at all"))
	if _, _, err := ReadFooter(context.Background(), store, notParquet, notParquet.Size); !errors.As(err, &se) || se.Reason != "not a readable Parquet file" {
		t.Errorf("not Parquet: got %v", err)
	}
}

// An object whose footer discovery did not read (schema: sample): ReadCheckedObject hands its
// schema to check before any row, and reads the rows only if check accepts it. Fetched whole, it
// costs one GET in all (the footer is parsed from the bytes the rows need); in ranges, the
// footer's GET and the rows'. check's error comes back unchanged, with no row sent.
func TestReadCheckedObjectChecksBeforeAnyRow(t *testing.T) {
	want := parquetgen.Rows(0, 6_000)
	body, err := parquetgen.Write(want, parquetgen.Layout{Dictionary: true, RowGroupRows: 2_000, PageBytes: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := fakes3.Start(t)
	srv.CreateBucket("read")
	store, obj := listed(t, srv, "t/checked.parquet", body)
	refused := errors.New("columns differ from the sample")
	for name, wholeBytes := range map[string]int64{"whole": obj.Size, "in ranges": 0} {
		t.Run(name, func(t *testing.T) {
			r := NewReader(store, Options{MemoryBudget: 16 << 20, RowsPerRecord: 1_000})
			srv.ObjectGets()
			var checked *arrow.Schema
			var got []parquetgen.Row
			err := r.ReadCheckedObject(context.Background(), obj, wholeBytes, func(sc *arrow.Schema) error {
				checked = sc
				return nil
			}, func(rec arrow.RecordBatch) error {
				if checked == nil {
					t.Fatal("a row before the schema was checked")
				}
				rows, err := parquetgen.RowsOf(rec)
				got = append(got, rows...)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if checked.NumFields() != parquetgen.Schema.NumFields() {
				t.Errorf("checked schema %v", checked)
			}
			if d := parquetgen.Diff(got, want); d != "" {
				t.Fatalf("rows: %s", d)
			}
			gets := srv.ObjectGets()
			if wholeBytes > 0 && len(gets) != 1 || wholeBytes == 0 && len(gets) < 2 {
				t.Errorf("%d GETs (%v)", len(gets), gets)
			}
			emitted := 0
			err = r.ReadCheckedObject(context.Background(), obj, wholeBytes, func(*arrow.Schema) error { return refused }, func(arrow.RecordBatch) error {
				emitted++
				return nil
			})
			if err != refused || emitted != 0 {
				t.Errorf("refused by check: got %v and %d records", err, emitted)
			}
			if held := r.budget.reserved.Load(); held != 0 {
				t.Errorf("%d bytes of the budget still reserved", held)
			}
		})
	}
}
