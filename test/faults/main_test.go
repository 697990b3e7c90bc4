// Package faults is the fault-injection suite: the real plugin binary, served over gRPC, reads
// from moto (the project's S3 emulator) through the s3fault proxy, and every test asserts
// which of two outcomes a fault leads to — every row delivered exactly, or a clear error.
package faults

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// otherBinaryEnv names a plugin binary to test instead of building this module's, e.g. one
// built from before the exact-or-fail work, to see which faults it gets wrong. The spec then
// leaves out the options such a binary rejects as unknown (see spec).
const otherBinaryEnv = "FAULTS_PLUGIN_BINARY"

var (
	// pluginBinary is built once from this module for the whole suite (or otherBinaryEnv).
	pluginBinary string
	s3           *motoServer
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	// The tests mostly wait (on retries, timeouts, moto): run more of them at once than the
	// default of one per CPU, unless -parallel was given.
	flag.Parse()
	if !flagSet("test.parallel") {
		_ = flag.Set("test.parallel", "4")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return fail(err)
	}
	motoBin := filepath.Join(root, ".venv", "bin", "moto_server")
	if _, err := os.Stat(motoBin); err != nil {
		return fail(fmt.Errorf("the S3 emulator is not installed (%s is missing): run \"npx projen setup\"", motoBin))
	}
	if pluginBinary = os.Getenv(otherBinaryEnv); pluginBinary == "" {
		dir, err := os.MkdirTemp("", "cq-source-s3-faults-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(dir)
		pluginBinary = filepath.Join(dir, "cq-source-s3")
		build := exec.Command("go", "build", "-o", pluginBinary, ".")
		build.Dir, build.Env = root, append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			return fail(fmt.Errorf("building the plugin: %v\n%s", err, out))
		}
	}
	if s3, err = startMoto(motoBin); err != nil {
		return fail(err)
	}
	defer s3.stop()
	return m.Run()
}

func flagSet(name string) (set bool) {
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "FAULT SUITE CANNOT RUN:", err)
	return 1
}
