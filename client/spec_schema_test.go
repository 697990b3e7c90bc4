package client

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cloudquery/plugin-sdk/v4/plugin"
)

type schemaDoc struct {
	Properties map[string]struct {
		Default   any    `json:"default"`
		Maximum   any    `json:"maximum"`
		MaxLength *int   `json:"maxLength"`
		Ref       string `json:"$ref"`
	} `json:"properties"`
	Defs map[string]struct {
		MaxLength *int `json:"maxLength"`
	} `json:"$defs"`
}

// The schema published by GetSpecSchema names exactly Spec's fields, with SetDefaults' defaults.
func TestSpecSchemaMirrorsSpec(t *testing.T) {
	var doc schemaDoc
	if err := json.Unmarshal([]byte(SpecJSONSchema), &doc); err != nil {
		t.Fatal(err)
	}
	var fields []string
	st := reflect.TypeFor[Spec]()
	for i := range st.NumField() {
		if tag := st.Field(i).Tag.Get("json"); tag != "" {
			fields = append(fields, tag)
		}
	}
	var props []string
	for name := range doc.Properties {
		props = append(props, name)
	}
	slices.Sort(fields)
	slices.Sort(props)
	if !slices.Equal(fields, props) {
		t.Fatalf("schema properties %v, Spec fields %v", props, fields)
	}
	var s Spec
	s.SetDefaults()
	defaults, _ := json.Marshal(s)
	var want map[string]any
	_ = json.Unmarshal(defaults, &want)
	for name, p := range doc.Properties {
		if p.Default != nil && !reflect.DeepEqual(p.Default, want[name]) {
			t.Errorf("%s: schema default %v, SetDefaults gives %v", name, p.Default, want[name])
		}
	}
	if doc.Properties["max_record_bytes"].Maximum != float64(maxRecordBytes) || doc.Properties["concurrency"].Maximum != float64(maxConcurrency) {
		t.Errorf("schema maxima differ from the code's limits")
	}
	var s2 Spec
	for _, l := range s2.stringLimits() {
		p := doc.Properties[l.name]
		got := p.MaxLength
		if p.Ref == "#/$defs/duration" {
			got = doc.Defs["duration"].MaxLength
		}
		if got == nil || *got != l.max {
			t.Errorf("%s: schema maxLength %v, the code's limit %d", l.name, got, l.max)
		}
	}
}

func TestSpecSchemaValidates(t *testing.T) {
	schema, err := plugin.JSONSchemaValidator(SpecJSONSchema)
	if err != nil {
		t.Fatal(err)
	}
	valid := []string{
		`{"bucket":"b","region":"r"}`,
		`{"bucket":"b","region":"r","strict":true,"max_attempts":3,"request_timeout":"1m30s","operation_timeout":"10m","max_backoff":"500ms","max_record_bytes":1048576,"concurrency":-1,"incremental_lookback":"24h"}`,
	}
	invalid := map[string]string{
		`{"bucket":"b","region":"r","request_timeout":"30"}`:       "request_timeout",
		`{"bucket":"b","region":"r","max_attempts":0}`:             "max_attempts",
		`{"bucket":"b","region":"r","concurrency":500}`:            "concurrency",
		`{"bucket":"b","region":"r","max_record_bytes":200000000}`: "max_record_bytes",
		`{"bucket":"b","region":"r","strict":"yes"}`:               "strict",
		`{"bucket":"b","region":"r","incremental_lookback":"1d"}`:  "incremental_lookback",
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
