package client

import "github.com/cloudquery/plugin-sdk/v4/schema"

// discoveredTable is a table and the objects that feed it, sorted by key.
type discoveredTable struct {
	Table   *schema.Table
	Source  string
	Objects []*parquetObject
}
