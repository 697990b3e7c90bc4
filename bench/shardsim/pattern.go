package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cq-source-s3/cq-source-s3/internal/testkit/s3fault"
	"golang.org/x/sync/errgroup"
)

// footerTail is what the plugin fetches first of an object (internal/parquetread/object_reader.go): one
// ranged GET of its last 64 KiB, which holds the whole of a small object.
const footerTail = 64 << 10

// patternShards replays one shard's requests without decoding: the listing (measured by
// the plugin's own Init, in listings), one GET of every object's tail (the footers), then,
// for shard 1 of each total, one GET of each object that shard owns (a small object's
// Sync is one GET in the plugin too). Requests go spec.concurrency at a time.
func (b *bench) patternShards(keys []string, listing timing, run int) *shardRuns {
	sr := &shardRuns{list: listing, syncs: map[int]timing{}, objects: map[int]int{}}
	api := sdkClient(b.proxy.URL())
	tail := fmt.Sprintf("bytes=%d-%d", max(0, len(b.body)-footerTail), len(b.body)-1) // as the plugin asks
	sr.footers = b.measured(s3fault.OpGet, func() { getAll(api, keys, tail) })
	for _, total := range b.shards {
		var own []string
		for _, k := range keys {
			if shardOf(k, total) == 1 {
				own = append(own, k)
			}
		}
		sr.objects[total] = len(own)
		sr.syncs[total] = b.measured(s3fault.OpGet, func() { getAll(api, own, tail) })
	}
	log.Printf("%d objects, run %d, pattern: footers %s (%d GETs); shard 1/%d %s", len(keys), run+1, sr.footers.wall.Round(time.Millisecond), sr.footers.requests,
		b.shards[len(b.shards)-1], sr.syncs[b.shards[len(b.shards)-1]].wall.Round(time.Millisecond))
	return sr
}

func getAll(api *s3.Client, keys []string, rng string) {
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(*concurrency)
	for _, k := range keys {
		g.Go(func() error {
			out, err := api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucketShard), Key: aws.String(k), Range: aws.String(rng)})
			if err != nil {
				return err
			}
			defer out.Body.Close()
			_, err = io.Copy(io.Discard, out.Body)
			return err
		})
	}
	check(g.Wait())
}

// sdkClient is an S3 client with the plugin's connection limits (internal/s3store/client.go).
func sdkClient(endpoint string) *s3.Client {
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) { t.MaxConnsPerHost, t.MaxIdleConnsPerHost = 128, 128 })
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithHTTPClient(httpClient))
	check(err)
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint, o.UsePathStyle = aws.String(endpoint), true
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired // as the plugin (internal/s3store/client.go)
	})
}

// shardOf is the plugin's partition, as docs/scale.md states it: 1 + the first 8 bytes of
// SHA-256(key), big-endian, modulo total.
func shardOf(key string, total int) int {
	sum := sha256.Sum256([]byte(key))
	return int(binary.BigEndian.Uint64(sum[:8])%uint64(total)) + 1
}
