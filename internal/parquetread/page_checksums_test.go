package parquetread

import (
	"context"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"
)

// page is a Thrift-compact page header (type, sizes, and the payload's CRC32 when withCRC)
// followed by the payload; a statistics-like struct field shows that unknown fields are skipped.
func page(t testing.TB, payload []byte, withCRC bool) []byte {
	t.Helper()
	buf := thrift.NewTMemoryBuffer()
	p := thrift.NewTCompactProtocolConf(buf, &thrift.TConfiguration{})
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.WriteStructBegin(ctx, "PageHeader"))
	for id, v := range []int32{0, int32(len(payload)), int32(len(payload))} {
		must(p.WriteFieldBegin(ctx, "", thrift.I32, int16(id+1)))
		must(p.WriteI32(ctx, v))
		must(p.WriteFieldEnd(ctx))
	}
	if withCRC {
		must(p.WriteFieldBegin(ctx, "crc", thrift.I32, 4))
		must(p.WriteI32(ctx, int32(crc32.ChecksumIEEE(payload))))
		must(p.WriteFieldEnd(ctx))
	}
	must(p.WriteFieldBegin(ctx, "data_page_header", thrift.STRUCT, 5))
	must(p.WriteStructBegin(ctx, ""))
	must(p.WriteFieldBegin(ctx, "", thrift.I32, 1))
	must(p.WriteI32(ctx, 7))
	must(p.WriteFieldEnd(ctx))
	must(p.WriteFieldStop(ctx))
	must(p.WriteStructEnd(ctx))
	must(p.WriteFieldEnd(ctx))
	must(p.WriteFieldStop(ctx))
	must(p.WriteStructEnd(ctx))
	must(p.Flush(ctx))
	return append(buf.Bytes(), payload...)
}

func TestPageChecksumsCatchACorruptPage(t *testing.T) {
	first, second := []byte(strings.Repeat("page one ", 100)), []byte(strings.Repeat("page two ", 30_000))
	chunk := append(append(page(t, first, true), page(t, second, true)...), page(t, []byte("no crc"), false)...)
	peek := func(data []byte) func(p []byte, off int64) int {
		return func(p []byte, off int64) int { return copy(p, data[min(off, int64(len(data))):]) }
	}
	if err := verifyChunkPages(peek(chunk), 0, int64(len(chunk))); err != nil {
		t.Fatalf("intact pages: %v", err)
	}
	corrupt := append([]byte(nil), chunk...)
	corrupt[len(chunk)-len("no crc")-len(second)/2] ^= 0x5a // in the second page's payload
	err := verifyChunkPages(peek(corrupt), 0, int64(len(corrupt)))
	if err == nil || !strings.Contains(err.Error(), "has CRC32") {
		t.Fatalf("want the corrupt page found, got %v", err)
	}
	noCRC := page(t, []byte("x"), false)
	noCRC[len(noCRC)-1] ^= 1
	if err := verifyChunkPages(peek(noCRC), 0, int64(len(noCRC))); err != nil {
		t.Fatalf("a page without a CRC cannot be checked: %v", err)
	}
}

// Read in ranges, a chunk's bytes arrive in reads of any size, a header split across them: the
// corrupt page fails the read that completes it and no earlier one; reads again of bytes seen
// are ignored, and a chunk read out of order is left unchecked.
func TestStreamChecksumsInPieces(t *testing.T) {
	first, second := []byte(strings.Repeat("page one ", 100)), []byte(strings.Repeat("page two ", 3_000))
	chunk := append(append(page(t, first, true), page(t, second, true)...), page(t, []byte("no crc"), false)...)
	const base = 1000 // the chunk's offset in its object
	corrupt := append([]byte(nil), chunk...)
	corrupt[len(chunk)-len("no crc")-len(second)/2] ^= 0x5a
	secondEnds := int64(base + len(chunk) - len(page(t, []byte("no crc"), false)))
	for _, piece := range []int{1, 3, 7, 100, 4096, len(chunk)} {
		for name, data := range map[string][]byte{"intact": chunk, "corrupt": corrupt} {
			s := newStreamChecksums([]columnChunk{{byteRange: byteRange{base, base + int64(len(chunk))}, rowGroup: 2}})
			var failedAt int64 = -1
			for off := 0; off < len(data); off += piece {
				end := min(off+piece, len(data))
				if err := s.read(data[off:end], int64(base+off)); err != nil {
					if !IsSkippable(err) || !strings.Contains(err.Error(), "row group 2") {
						t.Fatalf("%s in pieces of %d: %v", name, piece, err)
					}
					failedAt = int64(base + end)
					break
				}
				_ = s.read(data[off:end], int64(base+off)) // read again: no effect
			}
			switch {
			case name == "intact" && failedAt != -1:
				t.Errorf("pieces of %d: intact pages failed at %d", piece, failedAt)
			case name == "corrupt" && (failedAt < secondEnds || failedAt >= secondEnds+int64(piece)):
				t.Errorf("pieces of %d: the corrupt page failed the read ending at %d, want the one completing it (byte %d)", piece, failedAt, secondEnds)
			}
		}
	}
	s := newStreamChecksums([]columnChunk{{byteRange: byteRange{base, base + int64(len(corrupt))}}})
	if err := s.read(corrupt[10:], base+10); err != nil { // a jump: unchecked
		t.Fatalf("a chunk read out of order: %v", err)
	}
}
