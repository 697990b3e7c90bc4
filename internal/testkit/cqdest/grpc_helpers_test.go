package cqdest

import (
	"context"
	"testing"
	"time"

	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// dialPlugin connects to a plugin serving on addr and waits until it answers GetName.
func dialPlugin(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	deadline := time.Now().Add(30 * time.Second) // a budget for a busy machine
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := pb.NewPluginClient(conn).GetName(ctx, &pb.GetName_Request{})
		cancel()
		if err == nil {
			return conn
		}
		if time.Now().After(deadline) {
			t.Fatalf("plugin at %s not ready: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func initOverGRPC(t *testing.T, conn *grpc.ClientConn, dir string) {
	t.Helper()
	if _, err := pb.NewPluginClient(conn).Init(context.Background(), &pb.Init_Request{Spec: []byte(`{"dir":"` + dir + `"}`)}); err != nil {
		t.Fatal(err)
	}
}
