// Command cqdest serves the test destination plugin (see package cqdest); the CloudQuery CLI
// launches it with `registry: local`.
package main

import (
	"context"
	"log"

	"github.com/cloudquery/plugin-sdk/v4/serve"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/cqdest"
)

func main() {
	if err := serve.Plugin(cqdest.Plugin()).Serve(context.Background()); err != nil {
		log.Fatalf("failed to serve plugin: %v", err)
	}
}
