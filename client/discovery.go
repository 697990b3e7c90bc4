package client

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"
)

// parquetObject is one readable Parquet object found by discovery.
type parquetObject struct {
	Key      string
	Size     int64
	Metadata *metadata.FileMetaData
	Schema   *arrow.Schema
}

// discoveredTable is a table and the objects that feed it, sorted by key.
type discoveredTable struct {
	Table   *schema.Table
	Source  string
	Objects []*parquetObject
}

type discovery struct {
	api         *s3.Client
	bucket      string
	prefix      string
	concurrency int
	logger      zerolog.Logger
}

func (d *discovery) run(ctx context.Context) ([]*discoveredTable, error) {
	listed, err := d.listParquetObjects(ctx)
	if err != nil {
		return nil, err
	}
	if len(listed) == 0 {
		d.logger.Warn().Str("bucket", d.bucket).Str("path_prefix", d.prefix).Msg("no Parquet objects found: zero tables")
		return nil, nil
	}
	objects := d.readFooters(ctx, listed)
	tables, err := groupTables(objects)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.Table.Name
	}
	d.logger.Info().Int("objects", len(objects)).Strs("tables", names).Msg("discovery finished")
	return tables, nil
}

func (d *discovery) listParquetObjects(ctx context.Context) ([]*parquetObject, error) {
	var out []*parquetObject
	pages := s3.NewListObjectsV2Paginator(d.api, &s3.ListObjectsV2Input{
		Bucket: aws.String(d.bucket),
		Prefix: aws.String(d.prefix),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, describeS3Error(d.bucket, "listing objects", err)
		}
		for _, obj := range page.Contents {
			key := aws.ToString(obj.Key)
			if !isParquetKey(key) {
				d.logger.Debug().Str("key", key).Msg("skipping object that is not Parquet")
				continue
			}
			out = append(out, &parquetObject{Key: key, Size: aws.ToInt64(obj.Size)})
		}
	}
	return out, nil
}

// readFooters reads each object's Parquet footer; unreadable objects are logged and dropped.
func (d *discovery) readFooters(ctx context.Context, objects []*parquetObject) []*parquetObject {
	var mu sync.Mutex
	readable := make([]*parquetObject, 0, len(objects))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(d.concurrency)
	for _, obj := range objects {
		g.Go(func() error {
			if err := d.readFooter(gctx, obj); err != nil {
				d.logger.Warn().Str("key", obj.Key).Err(err).Msg("skipping object")
				return nil
			}
			mu.Lock()
			readable = append(readable, obj)
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait()
	return readable
}

func (d *discovery) readFooter(ctx context.Context, obj *parquetObject) error {
	rdr, err := file.NewParquetReader(newObjectReader(ctx, d.api, d.bucket, obj.Key, obj.Size))
	if err != nil {
		if isNotFound(err) {
			return fmt.Errorf("object was deleted after listing")
		}
		return fmt.Errorf("not a readable Parquet file: %w", err)
	}
	md := rdr.MetaData()
	canonicalizeArrowHints(md)
	sc, err := pqarrow.FromParquet(md.Schema, &pqarrow.ArrowReadProperties{}, md.KeyValueMetadata())
	if err != nil {
		return fmt.Errorf("unsupported Parquet schema: %w", err)
	}
	obj.Metadata, obj.Schema = md, sc
	return nil
}

// groupTables groups objects into tables by source (tableSource) and derives each table's
// columns from its objects' schemas (unifyColumns).
func groupTables(objects []*parquetObject) ([]*discoveredTable, error) {
	sort.Slice(objects, func(i, j int) bool { return objects[i].Key < objects[j].Key })
	byName := map[string]*discoveredTable{}
	var tables []*discoveredTable
	for _, obj := range objects {
		src := tableSource(obj.Key)
		name := tableName(src)
		t, ok := byName[name]
		if !ok {
			t = &discoveredTable{Source: src, Table: &schema.Table{Name: name}}
			byName[name] = t
			tables = append(tables, t)
		} else if t.Source != src {
			return nil, fmt.Errorf("%q and %q both map to table name %q: rename one of them", t.Source, src, name)
		}
		t.Objects = append(t.Objects, obj)
	}
	for _, t := range tables {
		cols, err := unifyColumns(t.Table.Name, t.Objects)
		if err != nil {
			return nil, err
		}
		t.Table.Columns = cols
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].Table.Name < tables[j].Table.Name })
	return tables, nil
}
