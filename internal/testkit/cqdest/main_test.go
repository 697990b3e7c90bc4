package cqdest

import (
	"os"
	"testing"

	"github.com/cloudquery/plugin-sdk/v4/types"
)

// The CloudQuery extension types (uuid, json, ...) are registered by serve; in-process tests
// that read saved tables need them too.
func TestMain(m *testing.M) {
	_ = types.RegisterAllExtensions()
	os.Exit(m.Run())
}
