// Command specgen writes the spec's JSON schema (client/spec_schema.json, embedded in the
// plugin) and its reference page (docs/spec-reference.md) from client.Spec. Run it with
// `go generate ./client`.
package main

import (
	"fmt"
	"os"

	"github.com/cq-source-s3/cq-source-s3/client"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
}

// run is started by go generate in client/.
func run() error {
	schema, err := client.GenerateSpecSchema()
	if err != nil {
		return err
	}
	reference, err := client.SpecReference(schema)
	if err != nil {
		return err
	}
	if err := os.WriteFile("spec_schema.json", schema, 0o644); err != nil {
		return err
	}
	return os.WriteFile("../docs/spec-reference.md", []byte(reference), 0o644)
}
