package client

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/invopop/jsonschema"
)

//go:generate go run ./specgen

// SpecJSONSchema is published through GetSpecSchema: spec_schema.json, written by
// GenerateSpecSchema (`go generate ./client`); TestSpecSchemaIsCurrent fails when it is stale.
//
//go:embed spec_schema.json
var SpecJSONSchema string

const specSchemaID = "https://github.com/cq-source-s3/cq-source-s3/client/spec"

// durationPattern is a Go duration of positive parts, as time.ParseDuration reads it.
const durationPattern = `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`

// GenerateSpecSchema is the JSON schema of Spec: the struct tags give the properties, types,
// descriptions and required fields; the limits and defaults the code enforces are added from
// the code (spec_limits.go, memory_budget.go, SetDefaults), so each is written once.
func GenerateSpecSchema() ([]byte, error) {
	r := &jsonschema.Reflector{RequiredFromJSONSchemaTags: true, ExpandedStruct: true, DoNotReference: true}
	sc := r.Reflect(&Spec{})
	sc.ID = specSchemaID
	sc.Title = "cq-source-s3 spec"
	if err := addCodeLimits(sc); err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(sc, "", "  ")
	return append(out, '\n'), err
}

func addCodeLimits(sc *jsonschema.Schema) error {
	prop := func(name string) *jsonschema.Schema {
		p, ok := sc.Properties.Get(name)
		if !ok {
			panic(fmt.Sprintf("the spec schema has no property %q", name))
		}
		return p
	}
	var d Spec
	for _, l := range d.stringLimits() {
		max := uint64(l.max)
		prop(l.name).MaxLength = &max
	}
	durationMax := uint64(maxDurationBytes)
	sc.Definitions = jsonschema.Definitions{"duration": {Type: "string", MaxLength: &durationMax, Pattern: durationPattern}}
	for _, o := range d.durations(&Settings{}) {
		p := prop(o.name)
		*p = jsonschema.Schema{Ref: "#/$defs/duration", Description: p.Description}
	}

	for _, c := range d.choices() {
		enum := make([]any, len(c.allowed))
		for i, v := range c.allowed {
			enum[i] = v
		}
		prop(c.name).Enum = enum
	}
	between := func(name string, min, max int64) {
		p := prop(name)
		p.Minimum, p.Maximum = number(min), number(max)
	}
	between("max_record_bytes", minRecordBytes, maxRecordBytes)
	between("memory_budget", minMemoryBudget, maxMemoryBudget)
	prop("max_attempts").Maximum = number(maxMaxAttempts)
	prop("concurrency").Maximum = number(maxConcurrency)
	prop("concurrency").Not = &jsonschema.Schema{Const: 0}

	d.SetDefaults()
	defaults, err := specDefaults(&d)
	if err != nil {
		return err
	}
	for pair := sc.Properties.Oldest(); pair != nil; pair = pair.Next() {
		if v, ok := defaults[pair.Key]; ok && !isRequired(sc, pair.Key) {
			pair.Value.Default = v
		}
	}
	return nil
}

func specDefaults(s *Spec) (map[string]any, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(data, &m)
}

func isRequired(sc *jsonschema.Schema, name string) bool {
	for _, r := range sc.Required {
		if r == name {
			return true
		}
	}
	return false
}

func number(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }
