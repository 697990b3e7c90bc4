// Package client discovers Parquet objects in an S3 bucket and syncs them as CloudQuery tables.
package client

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/rs/zerolog"
)

// Client holds one Init's spec and its discovery result, which serves both GetTables and Sync.
type Client struct {
	plugin.UnimplementedDestination
	spec   *Spec
	api    *s3.Client
	logger zerolog.Logger
	tables []*discoveredTable
}

// New validates the spec, connects to S3 and runs discovery once. NoConnection (how the CLI
// initialises a source for `cloudquery tables` and `migrate`) changes nothing: this plugin's
// tables are the bucket's directories, so listing them needs the bucket (see noConnectionError).
func New(ctx context.Context, logger zerolog.Logger, specBytes []byte, opts plugin.NewClientOptions) (plugin.Client, error) {
	spec, err := ParseSpec(specBytes)
	if err != nil {
		return nil, err
	}
	c, err := connect(ctx, logger, spec)
	if err != nil {
		if opts.NoConnection {
			return nil, noConnectionError(err)
		}
		return nil, err
	}
	return c, nil
}

func connect(ctx context.Context, logger zerolog.Logger, spec *Spec) (*Client, error) {
	api, err := newS3Client(ctx, spec)
	if err != nil {
		return nil, err
	}
	c := &Client{spec: spec, api: api, logger: logger.With().Str("bucket", spec.Bucket).Logger()}
	d := &discovery{api: api, bucket: spec.Bucket, prefix: spec.PathPrefix, concurrency: *spec.Concurrency, logger: c.logger}
	if c.tables, err = d.run(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Client) Tables(_ context.Context, opts plugin.TableOptions) (schema.Tables, error) {
	if len(c.tables) == 0 {
		return schema.Tables{}, nil // discovery already warned; "*" matching nothing is not an error here
	}
	return c.allTables().FilterDfs(opts.Tables, opts.SkipTables, opts.SkipDependentTables)
}

func (c *Client) allTables() schema.Tables {
	all := make(schema.Tables, len(c.tables))
	for i, t := range c.tables {
		all[i] = t.Table
	}
	return all
}

func (c *Client) Sync(ctx context.Context, opts plugin.SyncOptions, res chan<- message.SyncMessage) error {
	selected, err := c.selectTables(ctx, opts)
	if err != nil {
		return err
	}
	for _, t := range selected {
		res <- &message.SyncMigrateTable{Table: t.Table}
	}
	s := &syncer{api: c.api, bucket: c.spec.Bucket, rowsPerRecord: int64(*c.spec.RowsPerRecord), concurrency: *c.spec.Concurrency, logger: c.logger}
	return s.run(ctx, selected, res)
}

// selectTables resolves the sync's table patterns exactly as GetTables does.
func (c *Client) selectTables(ctx context.Context, opts plugin.SyncOptions) ([]*discoveredTable, error) {
	filtered, err := c.Tables(ctx, plugin.TableOptions{Tables: opts.Tables, SkipTables: opts.SkipTables, SkipDependentTables: opts.SkipDependentTables})
	if err != nil {
		return nil, fmt.Errorf("selecting tables: %w", err)
	}
	keep := map[string]bool{}
	for _, t := range filtered {
		keep[t.Name] = true
	}
	var out []*discoveredTable
	for _, t := range c.tables {
		if keep[t.Table.Name] {
			out = append(out, t)
		}
	}
	return out, nil
}

func (*Client) Close(context.Context) error { return nil }
