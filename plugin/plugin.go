// Package plugin declares the cq-source-s3 plugin for the CloudQuery SDK.
package plugin

import (
	"github.com/cloudquery/plugin-sdk/v4/plugin"
	"github.com/cq-source-s3/cq-source-s3/client"
)

const (
	Name = "cq-source-s3"
	Kind = "source"
	Team = "cq-source-s3"
)

// Version is set at build time with -ldflags "-X <module>/plugin.Version=<v>".
var Version = "development"

func Plugin() *plugin.Plugin {
	return newPlugin(client.New, client.TestConnection)
}

// newPlugin is Plugin with the client's constructor and connection test given (tests pass stand-ins).
func newPlugin(newClient plugin.NewClientFunc, test plugin.ConnectionTester) *plugin.Plugin {
	p := plugin.NewPlugin(
		Name,
		Version,
		callerStatus(newClient),
		plugin.WithKind(Kind),
		plugin.WithTeam(Team),
		plugin.WithJSONSchema(client.SpecJSONSchema),
		plugin.WithConnectionTester(connectionTesterStatus(test)),
	)
	// The SDK's check of the tables at Init would make Init discover them; the client checks
	// them itself after each discovery, which with schema: sample waits for the Sync.
	p.SetSkipTableValidation(true)
	return p
}
