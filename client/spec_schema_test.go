package client

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cloudquery/plugin-sdk/v4/plugin"
)

// The embedded schema and docs/spec-reference.md are what GenerateSpecSchema and SpecReference
// make from Spec now: run `go generate ./client` after changing Spec or its limits.
func TestSpecSchemaIsCurrent(t *testing.T) {
	schema, err := GenerateSpecSchema()
	if err != nil {
		t.Fatal(err)
	}
	if string(schema) != SpecJSONSchema {
		t.Errorf("client/spec_schema.json is stale: run `go generate ./client`")
	}
	reference, err := SpecReference(schema)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../docs/spec-reference.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != reference {
		t.Errorf("docs/spec-reference.md is stale: run `go generate ./client`")
	}
	var doc struct {
		Properties map[string]struct {
			Default any `json:"default"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(schema, &doc); err != nil {
		t.Fatal(err)
	}
	for _, name := range specFieldNames() {
		if _, ok := doc.Properties[name]; !ok {
			t.Errorf("the schema has no property %s", name)
		} else if !strings.Contains(reference, "| `"+name+"` |") {
			t.Errorf("the spec reference has no row for %s", name)
		}
	}
	if len(doc.Properties) != len(specFieldNames()) {
		t.Errorf("the schema has %d properties, Spec %d fields", len(doc.Properties), len(specFieldNames()))
	}
	if doc.Properties["rows_per_record"].Default != float64(defaultRowsPerRecord) {
		t.Errorf("rows_per_record's default is %v, SetDefaults gives %d", doc.Properties["rows_per_record"].Default, defaultRowsPerRecord)
	}
}

func specFieldNames() []string {
	var names []string
	for name := range specFields {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func TestSpecSchemaValidates(t *testing.T) {
	schema, err := plugin.JSONSchemaValidator(SpecJSONSchema)
	if err != nil {
		t.Fatal(err)
	}
	valid := []string{
		`{"bucket":"b","region":"r"}`,
		`{"bucket":"b","region":"r","strict":true,"max_attempts":3,"request_timeout":"1m30s","operation_timeout":"10m","max_backoff":"500ms","max_record_bytes":1048576,"concurrency":-1,"incremental_lookback":"24h"}`,
		`{"bucket":"b","region":"r","filetype":"parquet","path_prefix":"data/","endpoint":"http://127.0.0.1:9000","path_style":true,"local_profile":"p","rows_per_record":1,"max_attempts":20,"concurrency":128,"memory_budget":16777216,"max_record_bytes":100663296,"send_timeout":"1s"}`,
	}
	invalid := map[string]string{
		`{"bucket":"b","region":"r","request_timeout":"30"}`:                            "request_timeout",
		`{"bucket":"b","region":"r","max_attempts":0}`:                                  "max_attempts",
		`{"bucket":"b","region":"r","concurrency":500}`:                                 "concurrency",
		`{"bucket":"b","region":"r","max_record_bytes":200000000}`:                      "max_record_bytes",
		`{"bucket":"b","region":"r","strict":"yes"}`:                                    "strict",
		`{"bucket":"b","region":"r","incremental_lookback":"1d"}`:                       "incremental_lookback",
		`{"bucket":"b","region":"r","filetype":"csv"}`:                                  "filetype",
		`{"bucket":"b","region":"r","concurrency":0}`:                                   "concurrency",
		`{"bucket":"b","region":"r","memory_budget":1024}`:                              "memory_budget",
		`{"bucket":"b","region":"r","endpoint":"ftp://host"}`:                           "endpoint",
		`{"bucket":"b","region":"r","rows_per_record":0}`:                               "rows_per_record",
		`{"bucket":"b","region":"r","send_timeout":"` + strings.Repeat("1", 33) + `s"}`: "send_timeout",
		`{"bucket":"` + strings.Repeat("b", 64) + `","region":"r"}`:                     "bucket",
		`{"bucket":"b","region":""}`:                                                    "region",
	}
	for _, spec := range valid {
		var v any
		_ = json.Unmarshal([]byte(spec), &v)
		if err := schema.Validate(v); err != nil {
			t.Errorf("%s: %v", spec, err)
		}
		if _, err := ParseSpec([]byte(spec)); err != nil {
			t.Errorf("ParseSpec(%s): %v", spec, err)
		}
	}
	for spec, field := range invalid {
		var v any
		_ = json.Unmarshal([]byte(spec), &v)
		if err := schema.Validate(v); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: want a schema error naming %s, got %v", spec, field, err)
		}
		if _, err := ParseSpec([]byte(spec)); err == nil || !strings.Contains(err.Error(), "spec."+field) {
			t.Errorf("ParseSpec(%s): want an error naming spec.%s, got %v", spec, field, err)
		}
	}
}
