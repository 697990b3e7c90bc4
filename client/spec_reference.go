package client

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/invopop/jsonschema"
)

// SpecReference renders docs/spec-reference.md from the spec's JSON schema: one row per
// option with its type, default, limits and description, in the struct's order.
func SpecReference(schema []byte) (string, error) {
	var sc jsonschema.Schema
	if err := json.Unmarshal(schema, &sc); err != nil {
		return "", fmt.Errorf("reading the spec schema: %w", err)
	}
	var b strings.Builder
	b.WriteString("# Spec reference\n\n")
	b.WriteString("For people who write the source's `spec:` block: every option with its type, default and limits,\n")
	b.WriteString("generated from the plugin's own definition. The plugin publishes the same rules as a JSON schema\n")
	b.WriteString("(`client/spec_schema.json`), and Init refuses a spec that breaks them, naming the option. How the\n")
	b.WriteString("spec is parsed and what its errors say: [spec.md](spec.md).\n\n")
	b.WriteString("<!-- Generated from client/spec.go by `go generate ./client` (client/specgen); do not edit. -->\n\n")
	b.WriteString("| Option | Type | Default | Limits | Description |\n|---|---|---|---|---|\n")
	for pair := sc.Properties.Oldest(); pair != nil; pair = pair.Next() {
		name, p := pair.Key, pair.Value
		typ, limits := p.Type, optionLimits(p)
		if p.Ref != "" {
			def := sc.Definitions[strings.TrimPrefix(p.Ref, "#/$defs/")]
			typ, limits = "duration", []string{fmt.Sprintf("a Go duration such as `30s` or `1m30s`, at most %d bytes", *def.MaxLength)}
			if d, ok := durationMinimums[name]; ok {
				limits = append(limits, fmt.Sprintf("at least %s (%s)", d.min, d.why))
			}
		}
		def := "—"
		if isRequired(&sc, name) {
			def = "required"
		} else if p.Default != nil {
			v, _ := json.Marshal(p.Default)
			def = "`" + string(v) + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", name, typ, def, cell(strings.Join(limits, "; ")), cell(p.Description))
	}
	return b.String(), nil
}

// durationMinimums are the least values of the duration options, which a string schema cannot state.
var durationMinimums = func() map[string]durationOption {
	m := map[string]durationOption{}
	for _, d := range (&Spec{}).durations(&Settings{}) {
		m[d.name] = d
	}
	return m
}()

func optionLimits(p *jsonschema.Schema) []string {
	var l []string
	if p.MinLength != nil && *p.MinLength == 1 {
		l = append(l, "not empty")
	}
	if p.MaxLength != nil {
		l = append(l, fmt.Sprintf("at most %d bytes", *p.MaxLength))
	}
	if p.Minimum != "" {
		l = append(l, "≥ "+string(p.Minimum))
	}
	if p.Maximum != "" {
		l = append(l, "≤ "+string(p.Maximum))
	}
	if p.Not != nil && p.Not.Const != nil {
		l = append(l, fmt.Sprintf("not %v", p.Not.Const))
	}
	if len(p.Enum) > 0 {
		values := make([]string, len(p.Enum))
		for i, v := range p.Enum {
			values[i] = fmt.Sprintf("`%v`", v)
		}
		l = append(l, "one of "+strings.Join(values, ", "))
	}
	if p.Pattern != "" {
		l = append(l, "matches `"+p.Pattern+"`")
	}
	return l
}

// cell escapes a table cell's pipes.
func cell(s string) string {
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(s, "|", `\|`)
}
