package parquetgen

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/apache/arrow-go/v18/parquet/compress"
)

// Variant is one corrupt object of the corpus: Data is Base's file with one corruption.
type Variant struct {
	Name string // unique, usable in an object key
	Kind string
	Base string
	What string // the corruption, in words
	Data []byte
	Rows []Row // the rows of the intact file: what an exact delivery must equal
}

// BaseFile is an intact fixture the corpus corrupts.
type BaseFile struct {
	Name string
	Data []byte
	Rows []Row
	// Checksummed: every byte of every page payload is inside a checksummed zstd frame, so
	// any change of it is detected. Parquet page CRCs are optional and arrow-go neither writes
	// nor checks them, so a changed byte in an uncompressed or snappy page, or in the level
	// section of a v2 page (stored outside the compressed frame), decodes to other values that
	// no reader can tell from the original: payload corruptions apply to checksummed bases only.
	Checksummed bool
}

// BaseFiles are the intact files: several pages per column chunk, three row groups.
func BaseFiles() ([]BaseFile, error) {
	specs := []struct {
		name        string
		layout      Layout
		checksummed bool
	}{
		{"zstd-v1-dict", Layout{Codec: compress.Codecs.Zstd, Dictionary: true}, true},
		{"zstd-v1", Layout{Codec: compress.Codecs.Zstd}, true},
		{"zstd-v2", Layout{Codec: compress.Codecs.Zstd, PageV2: true}, false},
		{"snappy-v1-dict", Layout{Codec: compress.Codecs.Snappy, Dictionary: true}, false},
	}
	out := make([]BaseFile, len(specs))
	for i, s := range specs {
		rows := Rows(int64(i)*1000, 300)
		data, err := Write(rows, s.layout)
		if err != nil {
			return nil, fmt.Errorf("base %s: %w", s.name, err)
		}
		out[i] = BaseFile{Name: s.name, Data: data, Rows: rows, Checksummed: s.checksummed}
	}
	return out, nil
}

// corruption changes a copy of a file; ok is false when it does not apply to this file.
type corruption struct {
	kind    string
	payload bool // changes page payload bytes
	apply   func(rng *rand.Rand, data *[]byte, pages []Page) (what string, ok bool)
}

var corruptions = []corruption{
	{"flip-data-page", true, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		return flipPayload(rng, *d, pages, PageData, PageDataV2)
	}},
	{"flip-dict-page", true, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		return flipPayload(rng, *d, pages, PageDictionary)
	}},
	{"zero-page-tail", true, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		data := *d
		p := pick(rng, pages)
		cut := p.Payload() + rng.Int64N(int64(p.PayloadLen))
		clear(data[cut : p.Payload()+int64(p.PayloadLen)])
		return fmt.Sprintf("page at %d zeroed from byte %d", p.Offset, cut), true
	}},
	{"shrink-page-size", false, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		return shiftField(rng, *d, pick(rng, pages), "3", -1)
	}},
	{"grow-page-size", false, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		return shiftField(rng, *d, pick(rng, pages), "3", +1)
	}},
	{"flip-header-byte", false, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		data := *d
		p := pick(rng, pages)
		at := p.Offset + rng.Int64N(int64(p.HeaderLen))
		data[at] ^= byte(1 + rng.IntN(255))
		return fmt.Sprintf("header of page at %d: byte %d flipped", p.Offset, at), true
	}},
	{"garbage-header", false, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		data := *d
		p := pick(rng, pages)
		for i := p.Offset; i < p.Payload(); i++ {
			data[i] = byte(rng.IntN(256))
		}
		return fmt.Sprintf("header of page at %d replaced by random bytes", p.Offset), true
	}},
	{"bad-page-type", false, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		data := *d
		p := pick(rng, pages)
		others := slices.DeleteFunc([]int64{PageData, 1, PageDictionary, PageDataV2, 4, 9}, func(t int64) bool { return t == int64(p.Type) })
		t := others[rng.IntN(len(others))]
		return fmt.Sprintf("page at %d: type %d -> %d", p.Offset, p.Type, t), SetI32At(data, p.Fields["1"], t)
	}},
	{"dict-num-values", false, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		return shiftField(rng, *d, pickType(rng, pages, PageDictionary), "7.1", 0)
	}},
	{"data-num-values", false, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		data := *d
		p := pickType(rng, pages, PageData, PageDataV2)
		field := "5.1"
		if p.Type == PageDataV2 {
			field = "8.1"
		}
		return shiftField(rng, data, p, field, 0)
	}},
	{"uncompressed-size", false, func(rng *rand.Rand, d *[]byte, pages []Page) (string, bool) {
		return shiftField(rng, *d, pick(rng, pages), "2", 0)
	}},
	{"truncate-object", false, func(rng *rand.Rand, d *[]byte, _ []Page) (string, bool) {
		n := len(*d)
		cut := 4 + rng.IntN(n-5)
		*d = (*d)[:cut]
		return fmt.Sprintf("object cut to %d of %d bytes", cut, n), true
	}},
}

// Corpus makes n corrupt variants, the same for the same seed: corruption kinds and base
// files in turn, each with random positions and values.
func Corpus(seed uint64, n int) ([]Variant, error) {
	bases, err := BaseFiles()
	if err != nil {
		return nil, err
	}
	pagesOf := make([][]Page, len(bases))
	for i, b := range bases {
		if pagesOf[i], err = Pages(b.Data); err != nil {
			return nil, fmt.Errorf("base %s: %w", b.Name, err)
		}
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var out []Variant
	for i := 0; len(out) < n; i++ {
		if i > 100*n {
			return nil, fmt.Errorf("only %d of %d variants could be made", len(out), n)
		}
		c := corruptions[i%len(corruptions)]
		bi := (i / len(corruptions)) % len(bases)
		b := bases[bi]
		if c.payload && !b.Checksummed {
			continue
		}
		data := slices.Clone(b.Data)
		what, ok := c.apply(rng, &data, pagesOf[bi])
		if !ok || slices.Equal(data, b.Data) {
			continue
		}
		name := fmt.Sprintf("%03d-%s-%s", len(out), c.kind, b.Name)
		out = append(out, Variant{Name: name, Kind: c.kind, Base: b.Name, What: what, Data: data, Rows: b.Rows})
	}
	return out, nil
}

func pick(rng *rand.Rand, pages []Page) Page { return pages[rng.IntN(len(pages))] }

func pickType(rng *rand.Rand, pages []Page, types ...int32) Page {
	var of []Page
	for _, p := range pages {
		if slices.Contains(types, p.Type) {
			of = append(of, p)
		}
	}
	if len(of) == 0 {
		return Page{Fields: map[string]Span{}}
	}
	return pick(rng, of)
}

func flipPayload(rng *rand.Rand, data []byte, pages []Page, types ...int32) (string, bool) {
	p := pickType(rng, pages, types...)
	if p.PayloadLen == 0 {
		return "", false
	}
	flips := 1 + rng.IntN(3)
	for range flips {
		data[p.Payload()+rng.Int64N(int64(p.PayloadLen))] ^= byte(1 + rng.IntN(255))
	}
	return fmt.Sprintf("page type %d at %d: %d payload bytes flipped", p.Type, p.Offset, flips), true
}

// shiftField changes the i32 field of p's header: by a random negative (sign -1), positive
// (+1) or either (0) amount, keeping its encoded length.
func shiftField(rng *rand.Rand, data []byte, p Page, field string, sign int) (string, bool) {
	s, ok := p.Fields[field]
	if !ok {
		return "", false
	}
	old := I32At(data, s)
	for range 32 {
		delta := 1 + rng.Int64N(64)
		if sign < 0 || (sign == 0 && rng.IntN(2) == 0) {
			delta = -delta
		}
		if SetI32At(data, s, old+delta) {
			return fmt.Sprintf("page at %d: field %s %d -> %d", p.Offset, field, old, old+delta), true
		}
	}
	return "", false
}
