// Command pgtypes writes the PostgreSQL suite's types file (types.parquet) and arrow-go's
// reading of it (types.json) into the directory given as its argument.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cq-source-s3/cq-source-s3/internal/testkit/pgtypes"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pgtypes <output directory>")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "pgtypes:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	rec, err := pgtypes.Record()
	if err != nil {
		return err
	}
	defer rec.Release()
	data, err := pgtypes.Parquet(rec, 4) // two row groups
	if err != nil {
		return err
	}
	read, err := pgtypes.Read(data)
	if err != nil {
		return err
	}
	for i := range read {
		read[i].Written = pgtypes.Columns[i].Type.String()
	}
	out, err := json.MarshalIndent(read, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "types.parquet"), data, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "types.json"), out, 0o644)
}
