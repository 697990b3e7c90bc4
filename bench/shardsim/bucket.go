package main

import (
	"bytes"
	"crypto/md5"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"
)

// synthBackend is a read-only gofakes3 backend whose buckets hold many keys and one body:
// a bucket of a million objects costs the memory of its keys. gofakes3 speaks the S3
// protocol (ListObjectsV2 with prefix, delimiter, start-after and continuation tokens;
// ranged GETs); the backend answers listings by binary search over the sorted keys and
// skips a common prefix's keys in one step, as S3's index does, so a listing page costs
// the same whatever the bucket's size.
type synthBackend struct {
	buckets map[string]*synthBucket
}

type synthBucket struct {
	keys     []string // sorted
	body     []byte
	hash     []byte
	modified time.Time
	newer    map[string]bool // keys uploaded an hour after the others (withNewer)
}

func newSynthBucket(keys []string, body []byte) *synthBucket {
	sort.Strings(keys)
	sum := md5.Sum(body)
	return &synthBucket{keys: keys, body: body, hash: sum[:], modified: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// withNewer is the bucket with keys added, uploaded an hour after its others.
func (bk *synthBucket) withNewer(keys []string) *synthBucket {
	out := newSynthBucket(append(slices.Clone(bk.keys), keys...), bk.body)
	out.newer = map[string]bool{}
	for _, k := range keys {
		out.newer[k] = true
	}
	return out
}

func (bk *synthBucket) modifiedAt(key string) time.Time {
	if bk.newer[key] {
		return bk.modified.Add(time.Hour)
	}
	return bk.modified
}

func (b *synthBackend) bucket(name string) (*synthBucket, error) {
	if bk, ok := b.buckets[name]; ok {
		return bk, nil
	}
	return nil, gofakes3.BucketNotFound(name)
}

func (b *synthBackend) ListBuckets() ([]gofakes3.BucketInfo, error) {
	var out []gofakes3.BucketInfo
	for name := range b.buckets {
		out = append(out, gofakes3.BucketInfo{Name: name})
	}
	return out, nil
}

func (b *synthBackend) ListBucket(name string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	bk, err := b.bucket(name)
	if err != nil {
		return nil, err
	}
	var p, delim string
	if prefix != nil {
		p, delim = prefix.Prefix, prefix.Delimiter
	}
	keys := bk.keys
	i := sort.SearchStrings(keys, p)
	if page.HasMarker {
		i = max(i, sort.Search(len(keys), func(j int) bool { return keys[j] > page.Marker }))
	}
	maxKeys := int(page.MaxKeys)
	if maxKeys <= 0 {
		maxKeys = gofakes3.DefaultMaxBucketKeys
	}
	out := gofakes3.NewObjectList()
	for n := 0; i < len(keys) && strings.HasPrefix(keys[i], p); n++ {
		if n == maxKeys {
			out.IsTruncated = true
			return out, nil
		}
		k := keys[i]
		if d := strings.Index(k[len(p):], delim); delim != "" && d >= 0 {
			cp := k[:len(p)+d+len(delim)]
			out.CommonPrefixes = append(out.CommonPrefixes, gofakes3.CommonPrefix{Prefix: cp})
			i = sort.SearchStrings(keys, successor(cp)) // past every key under cp
			out.NextMarker = keys[i-1]
			continue
		}
		out.Contents = append(out.Contents, &gofakes3.Content{Key: k, LastModified: gofakes3.NewContentTime(bk.modifiedAt(k)), ETag: gofakes3.FormatETag(bk.hash), Size: int64(len(bk.body))})
		out.NextMarker = k
		i++
	}
	out.NextMarker = ""
	return out, nil
}

// successor is the least string greater than every string that starts with s.
func successor(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return s + "\xff" // unreachable for the keys used here
}

func (b *synthBackend) object(bucketName, key string, rng *gofakes3.ObjectRangeRequest, body bool) (*gofakes3.Object, error) {
	bk, err := b.bucket(bucketName)
	if err != nil {
		return nil, err
	}
	if i := sort.SearchStrings(bk.keys, key); i == len(bk.keys) || bk.keys[i] != key {
		return nil, gofakes3.KeyNotFound(key)
	}
	obj := &gofakes3.Object{
		Name: key, Hash: bk.hash, Size: int64(len(bk.body)),
		Metadata: map[string]string{"Last-Modified": bk.modifiedAt(key).Format(http.TimeFormat), "Content-Type": "application/octet-stream"},
		Contents: io.NopCloser(bytes.NewReader(nil)),
	}
	if body {
		data := bk.body
		if obj.Range, err = rng.Range(obj.Size); err != nil {
			return nil, err
		}
		if obj.Range != nil {
			data = data[obj.Range.Start : obj.Range.Start+obj.Range.Length]
		}
		obj.Contents = io.NopCloser(bytes.NewReader(data))
	}
	return obj, nil
}

func (b *synthBackend) GetObject(bucketName, key string, rng *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	return b.object(bucketName, key, rng, true)
}

func (b *synthBackend) HeadObject(bucketName, key string) (*gofakes3.Object, error) {
	return b.object(bucketName, key, nil, false)
}

func (b *synthBackend) BucketExists(name string) (bool, error) {
	_, ok := b.buckets[name]
	return ok, nil
}

// The buckets are read-only.

func (*synthBackend) CreateBucket(string) error      { return gofakes3.ErrNotImplemented }
func (*synthBackend) DeleteBucket(string) error      { return gofakes3.ErrNotImplemented }
func (*synthBackend) ForceDeleteBucket(string) error { return gofakes3.ErrNotImplemented }
func (*synthBackend) DeleteObject(string, string) (gofakes3.ObjectDeleteResult, error) {
	return gofakes3.ObjectDeleteResult{}, gofakes3.ErrNotImplemented
}
func (*synthBackend) PutObject(string, string, map[string]string, io.Reader, int64, *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	return gofakes3.PutObjectResult{}, gofakes3.ErrNotImplemented
}
func (*synthBackend) DeleteMulti(string, ...string) (gofakes3.MultiDeleteResult, error) {
	return gofakes3.MultiDeleteResult{}, gofakes3.ErrNotImplemented
}
func (*synthBackend) CopyObject(string, string, string, string, map[string]string) (gofakes3.CopyObjectResult, error) {
	return gofakes3.CopyObjectResult{}, gofakes3.ErrNotImplemented
}
