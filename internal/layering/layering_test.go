// Package layering holds the test that keeps internal/'s packages below the plugin: none of
// them may import client/ or plugin/, directly or through another package.
package layering

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/cq-source-s3/cq-source-s3"

// above are the packages that tell the plugin's story and build on internal/, never the reverse.
var above = []string{module + "/client", module + "/plugin"}

type listed struct {
	ImportPath string
	Deps       []string
}

func TestInternalPackagesDoNotImportThePlugin(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Deps", module+"/internal/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	packages := 0
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		packages++
		for _, dep := range p.Deps {
			for _, a := range above {
				if dep == a || strings.HasPrefix(dep, a+"/") {
					t.Errorf("%s imports %s: internal/ packages must not depend on the plugin's packages", p.ImportPath, dep)
				}
			}
		}
	}
	if packages < 2 {
		t.Fatalf("go list found %d packages under internal/", packages)
	}
}
