package cqdest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/cloudquery/plugin-sdk/v4/schema"
)

// logEntry is one line of messages.jsonl.
type logEntry struct {
	Type       string       `json:"type"` // migrate_table, insert, delete_stale, delete_record
	Table      string       `json:"table"`
	Force      bool         `json:"force,omitempty"`
	Action     string       `json:"action,omitempty"` // migrate_table: created, unchanged, recreated, rejected
	Columns    []columnInfo `json:"columns,omitempty"`
	Rows       int64        `json:"rows,omitempty"`
	SourceName string       `json:"source_name,omitempty"`
	SyncTime   string       `json:"sync_time,omitempty"`
	Deleted    *int64       `json:"deleted,omitempty"`
	Error      string       `json:"error,omitempty"`
}

type columnInfo struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	NotNull    bool   `json:"not_null,omitempty"`
	PrimaryKey bool   `json:"primary_key,omitempty"`
	Unique     bool   `json:"unique,omitempty"`
}

func describeColumns(t *schema.Table) []columnInfo {
	out := make([]columnInfo, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = columnInfo{Name: c.Name, Type: c.Type.String(), NotNull: c.NotNull, PrimaryKey: c.PrimaryKey, Unique: c.Unique}
	}
	return out
}

type messageLog struct {
	mu sync.Mutex
	f  *os.File
}

func openMessageLog(dir string) (*messageLog, error) {
	f, err := os.OpenFile(filepath.Join(dir, "messages.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cqdest: %w", err)
	}
	return &messageLog{f: f}, nil
}

func (l *messageLog) write(e logEntry) {
	if l == nil {
		return
	}
	line, _ := json.Marshal(e)
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.f.Write(append(line, '\n'))
}

func (l *messageLog) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}
