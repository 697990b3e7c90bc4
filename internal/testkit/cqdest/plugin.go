// Package cqdest is a CloudQuery destination plugin for tests: it keeps each table as an Arrow
// IPC stream file under spec.dir, logs every message it receives, applies the write semantics
// of a SQL destination (NOT NULL, primary-key upserts, overwrite-delete-stale), and implements
// Read, so the CloudQuery CLI can use it as the state backend of a source (backend_options).
//
// Layout under spec.dir (what tests read):
//
//	tables/<table>.arrows  the table: Arrow IPC stream, schema (with CloudQuery column
//	                       metadata) then its rows; rewritten at the end of every Write stream
//	messages.jsonl         one JSON object per message received (see logEntry)
package cqdest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/rs/zerolog"
)

const (
	Name = "cqdest"
	Kind = "destination"
	Team = "cq-source-s3"
)

// version is the plugin version reported over gRPC. A constant, not a package-level Version
// variable: the image build looks for that to find the plugin's package (src/go-module.ts).
const version = "v0.0.0-test"

// Spec is the destination's `spec:` block.
type Spec struct {
	// Dir holds the tables and the message log; created when missing.
	Dir string `json:"dir"`
}

const specSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["dir"],
  "properties": {"dir": {"type": "string", "minLength": 1, "description": "Directory for the tables and the message log."}}
}`

func parseSpec(data []byte) (*Spec, error) {
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("cqdest: invalid spec: %w", err)
	}
	if strings.TrimSpace(s.Dir) == "" {
		return nil, fmt.Errorf("cqdest: spec.dir is required")
	}
	return &s, nil
}

// Plugin returns the destination plugin.
func Plugin() *plugin.Plugin {
	return plugin.NewPlugin(Name, version, New,
		plugin.WithKind(Kind),
		plugin.WithTeam(Team),
		plugin.WithJSONSchema(specSchema),
		plugin.WithConnectionTester(testConnection),
	)
}

// testConnection checks that spec.dir can be created and written.
func testConnection(_ context.Context, _ zerolog.Logger, specBytes []byte) error {
	spec, err := parseSpec(specBytes)
	if err != nil {
		return plugin.NewTestConnError("INVALID_SPEC", err)
	}
	if err := os.MkdirAll(spec.Dir, 0o755); err != nil {
		return plugin.NewTestConnError("DIR_NOT_WRITABLE", err)
	}
	f, err := os.CreateTemp(spec.Dir, ".probe-*")
	if err != nil {
		return plugin.NewTestConnError("DIR_NOT_WRITABLE", err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func tablesDir(dir string) string { return filepath.Join(dir, "tables") }
