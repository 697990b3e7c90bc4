package faults

import (
	"context"
	"strings"
	"testing"
	"time"

	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// A client that takes one message of a Sync and then stops reading, without cancelling and
// while staying connected, holds the plugin only for spec.send_timeout: then that Sync fails
// and the plugin answers the next Init and Sync (issue #28: every later Sync used to answer
// "plugin already in use" for as long as such a client stayed connected).
func TestClientThatStopsReadingCannotWedgeThePlugin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, standardDataset(t))
	stalledSpec := map[string]any{"send_timeout": "1s", "rows_per_record": 1}
	e.mustInit(stalledSpec)

	// Fixed, small HTTP/2 windows (no BDP growth): the plugin's sends block after 64 KiB unread.
	conn, err := grpc.NewClient(e.plugin.conn.Target(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithInitialWindowSize(64<<10), grpc.WithInitialConnWindowSize(64<<10))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // only when the test ends: until then the client stays connected, reading nothing
	stream, err := pb.NewPluginClient(conn).Sync(ctx, &pb.Sync_Request{Tables: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}

	busy, err := e.plugin.initEventually(e.spec(nil), 30*time.Second)
	if err != nil {
		t.Fatalf("Init while a client holds a Sync it does not read (send_timeout 1s): %v", err)
	}
	t.Logf("the stalled client held the plugin for %s", busy.Round(time.Millisecond))
	res, err := e.syncAll()
	expectExact(t, res, err, e.ds.want())
	if s := summary(t, e.plugin, 1); s["result"] != "failed" || !strings.Contains(s["error"].(string), "spec.send_timeout") {
		t.Fatalf("the stalled sync's summary must fail naming spec.send_timeout: %v", s)
	}
}
