package cqdest

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cloudquery/plugin-sdk/v4/message"
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cloudquery/plugin-sdk/v4/schema"
	"github.com/rs/zerolog"
)

// Client is one Init of the destination. The CLI writes the sync through one Write stream
// while the source's state client opens its own Write and Read streams on the same plugin,
// so every message is applied under mu, and nothing holds mu for a whole stream.
type Client struct {
	plugin.UnimplementedSource
	dir    string
	logger zerolog.Logger
	log    *messageLog

	mu     sync.Mutex
	tables map[string]*table
}

// New loads the tables kept under spec.dir.
func New(_ context.Context, logger zerolog.Logger, specBytes []byte, opts plugin.NewClientOptions) (plugin.Client, error) {
	spec, err := parseSpec(specBytes)
	if err != nil {
		return nil, err
	}
	if opts.NoConnection {
		return &Client{dir: spec.Dir, logger: logger, tables: map[string]*table{}}, nil
	}
	if err := os.MkdirAll(tablesDir(spec.Dir), 0o755); err != nil {
		return nil, fmt.Errorf("cqdest: spec.dir %s: %w", spec.Dir, err)
	}
	tables, err := loadTables(tablesDir(spec.Dir))
	if err != nil {
		return nil, err
	}
	log, err := openMessageLog(spec.Dir)
	if err != nil {
		return nil, err
	}
	return &Client{dir: spec.Dir, logger: logger, log: log, tables: tables}, nil
}

// Write applies each message as a SQL destination would, then saves the tables it changed.
func (c *Client) Write(ctx context.Context, msgs <-chan message.WriteMessage) error {
	dirty := map[string]bool{}
	var failed error
	for msg := range msgs {
		if failed != nil {
			continue // drain: the SDK closes the channel when the stream ends
		}
		name, err := c.apply(msg)
		if err != nil {
			failed = err
			c.logger.Error().Err(err).Msg("write failed")
			continue
		}
		if name != "" {
			dirty[name] = true
		}
	}
	if err := c.save(dirty); err != nil && failed == nil {
		failed = err
	}
	if failed == nil {
		failed = ctx.Err()
	}
	return failed
}

func (c *Client) apply(msg message.WriteMessage) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch m := msg.(type) {
	case *message.WriteMigrateTable:
		action, err := c.migrate(m.Table, m.MigrateForce)
		c.log.write(logEntry{Type: "migrate_table", Table: m.Table.Name, Force: m.MigrateForce, Columns: describeColumns(m.Table), Action: action, Error: errString(err)})
		return m.Table.Name, err
	case *message.WriteInsert:
		name, _ := m.Record.Schema().Metadata().GetValue(schema.MetadataTableName)
		t, ok := c.tables[name]
		if !ok {
			return "", fmt.Errorf("cqdest: insert into table %q, which was never migrated", name)
		}
		err := t.insert(m.Record)
		c.log.write(logEntry{Type: "insert", Table: name, Rows: m.Record.NumRows(), Error: errString(err)})
		return name, err
	case *message.WriteDeleteStale:
		t, ok := c.tables[m.TableName]
		if !ok {
			return "", fmt.Errorf("cqdest: delete stale rows of table %q, which was never migrated", m.TableName)
		}
		deleted, err := t.deleteStale(m.SourceName, m.SyncTime)
		c.log.write(logEntry{Type: "delete_stale", Table: m.TableName, SourceName: m.SourceName, SyncTime: m.SyncTime.UTC().Format("2006-01-02T15:04:05.000000Z07:00"), Deleted: &deleted, Error: errString(err)})
		return m.TableName, err
	case *message.WriteDeleteRecord:
		c.log.write(logEntry{Type: "delete_record", Table: m.TableName})
		return "", fmt.Errorf("cqdest: delete_record messages are not supported (table %s)", m.TableName)
	}
	return "", fmt.Errorf("cqdest: unknown write message %T", msg)
}

// migrate creates a table, keeps it when its definition is unchanged, and recreates it
// (dropping its rows) only when forced: a changed table without `migrate_mode: forced` is an error.
func (c *Client) migrate(def *schema.Table, force bool) (string, error) {
	old, ok := c.tables[def.Name]
	if !ok {
		c.tables[def.Name] = newTable(def)
		return "created", nil
	}
	changes := def.GetChanges(old.def)
	if len(changes) == 0 {
		return "unchanged", nil
	}
	if !force {
		return "rejected", fmt.Errorf("cqdest: table %s changed (%s): run with migrate_mode: forced to recreate it", def.Name, describeChanges(changes))
	}
	c.tables[def.Name] = newTable(def)
	return "recreated", nil
}

// Read sends the table's rows (the state client reads its key/value table this way).
func (c *Client) Read(ctx context.Context, def *schema.Table, res chan<- arrow.RecordBatch) error {
	c.mu.Lock()
	t, ok := c.tables[def.Name]
	var rows []arrow.RecordBatch
	if ok {
		t.liveRuns(func(b int, start, end int64) { rows = append(rows, t.rows[b].NewSlice(start, end)) })
	}
	c.mu.Unlock()
	for _, r := range rows {
		select {
		case res <- r:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (c *Client) save(names map[string]bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		if t, ok := c.tables[n]; ok {
			if err := t.save(tablesDir(c.dir)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Client) Close(context.Context) error {
	if c.log != nil {
		return c.log.close()
	}
	return nil
}

func describeChanges(changes []schema.TableColumnChange) string {
	parts := make([]string, len(changes))
	for i, ch := range changes {
		parts[i] = ch.String()
	}
	return strings.Join(parts, "; ")
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
