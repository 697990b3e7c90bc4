package parquetread

import (
	"sort"

	"github.com/cq-source-s3/cq-source-s3/internal/s3store"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// How objects are fetched at Sync (docs/scale.md, "Requests" and "Memory"). Discovery reads each
// object's footer (one ranged GET of its last footerPrefetch bytes) and keeps this read plan
// instead of the footer, so memory does not grow with the footers of every object listed.
const (
	// segmentBytes is the target size of one ranged GET of a larger object: adjacent column
	// chunks are coalesced up to it, larger chunks are cut into pieces of it.
	segmentBytes = 8 << 20
	// minSegmentBytes is the smallest piece a large column chunk is cut into, when the budget
	// is too small for segmentBytes per column.
	minSegmentBytes = 1 << 20
	// segmentFetchers is how many ranged GETs of one large object run at once.
	segmentFetchers = 4
	// pageBytesEstimate is what one column's page buffers are expected to hold: writers cut
	// pages at about 1 MiB (PLAIN pages larger than that are decoded as a stream in pieces of
	// 1 MiB), so a column needs a compressed and an uncompressed page of up to that.
	pageBytesEstimate = 1 << 20
	// readBufferBytes is the Parquet reader's buffer per column chunk.
	readBufferBytes = 64 << 10
	// streamWindowBytes bounds what a streaming zstd or brotli decompressor holds: its window
	// and the history it keeps (measured: 18 MiB for a level-19 zstd page).
	streamWindowBytes = 24 << 20
	// decodeBatchRows is the most rows decoded at once (the records sent are cut from the
	// batch, at most rows_per_record rows each): the Parquet reader's cost per batch is large
	// (on pyarrow-written 200,000-row objects of 5 columns, 4 batches cost 10 % more CPU than 2).
	decodeBatchRows = 256 << 10
	// firstBatchRows is the most rows of an object's first batch, which is sized from the
	// footer's bytes per row (dictionary-encoded columns can decode to many times that); later
	// batches are sized from the bytes the rows before them decoded to.
	firstBatchRows = 64 << 10
	// batchBudgetShare: a decoded batch targets budget/batchBudgetShare bytes.
	batchBudgetShare = 16
	// batchCopies is what one batch costs while decoding: the Parquet reader's builders grow
	// their buffers by doubling (up to twice the data, three times while one is copied), and
	// the previous batch is held until the next is decoded.
	batchCopies = 4
)

// wholeObjectBytes is the largest object fetched with a single GET at Sync (the footer is
// parsed again from those bytes): two GETs in all with discovery's. It is also capped at a
// quarter of the memory budget, so that several such objects fit in it at once.
const wholeObjectBytes = 32 << 20

// byteRange is [off, end) of an object.
type byteRange struct{ off, end int64 }

func (r byteRange) len() int64 { return r.end - r.off }

// Plan is what the sync needs of an object's footer: where its parts are and what
// decoding it costs.
type Plan struct {
	// footer is the footer's range (the metadata, its length and the closing magic).
	footer byteRange
	// whole: the object is fetched with one GET.
	whole bool
	// chunks are the column chunks of every row group, in row-group then column order
	// (none for an object fetched whole).
	chunks []columnChunk
	// decodeBytes estimates the decoder's buffers for the widest row group.
	decodeBytes int64
	// rowBytes estimates the decoded bytes of one row (uncompressed bytes per row).
	rowBytes int64
	numRows  int64
}

type columnChunk struct {
	byteRange
	rowGroup int
}

// newReadPlan derives an object's read plan from its footer.
func newReadPlan(md *metadata.FileMetaData, size int64, whole bool) *Plan {
	p := &Plan{footer: byteRange{off: max(size-int64(md.Size())-8, 0), end: size}, whole: whole, numRows: md.NumRows}
	var uncompressed int64
	for rg := 0; rg < md.NumRowGroups(); rg++ {
		g := md.RowGroup(rg)
		var decode int64
		for c := 0; c < g.NumColumns(); c++ {
			cc, err := g.ColumnChunk(c)
			if err != nil {
				continue // the decoder reports it; the plan only loses this chunk's prefetch
			}
			start := chunkStart(cc)
			r := byteRange{off: max(start, 0), end: min(start+max(cc.TotalCompressedSize(), 0), size)}
			if r.end > r.off && !whole {
				p.chunks = append(p.chunks, columnChunk{byteRange: r, rowGroup: rg})
			}
			decode += chunkDecodeBytes(r.len(), max(cc.TotalUncompressedSize(), 0), cc.HasDictionaryPage(), cc.Compression())
			uncompressed += max(cc.TotalUncompressedSize(), 0)
		}
		p.decodeBytes = max(p.decodeBytes, decode)
	}
	if md.NumRows > 0 {
		p.rowBytes = max(uncompressed/md.NumRows, 1)
	}
	return p
}

// chunkStart is where a column chunk's first page starts: its dictionary page, if it has one
// before its data pages.
func chunkStart(cc *metadata.ColumnChunkMetaData) int64 {
	start := cc.DataPageOffset()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && cc.DictionaryPageOffset() < start {
		start = cc.DictionaryPageOffset()
	}
	return start
}

// chunkDecodeBytes estimates what decoding one column chunk holds (measured with arrow-go's
// reader): its read buffer, a compressed page, the decompressed dictionary page and data page
// (each of up to pageBytesEstimate, together at most the chunk's uncompressed size), the
// decoded dictionary, and, when its pages may be large enough to be decoded as a stream with a
// codec that streams (zstd, brotli, gzip), what the decompressor holds.
func chunkDecodeBytes(compressed, uncompressed int64, dictionary bool, codec compress.Compression) int64 {
	n := min(compressed, readBufferBytes) + min(compressed, pageBytesEstimate) + min(uncompressed, 2*pageBytesEstimate)
	if dictionary {
		n += min(uncompressed, pageBytesEstimate)
	}
	if uncompressed > pageBytesEstimate {
		switch codec {
		case compress.Codecs.Zstd, compress.Codecs.Brotli:
			n += min(uncompressed, streamWindowBytes)
		case compress.Codecs.Gzip:
			n += 64 << 10 // deflate's window is 32 KiB
		}
	}
	return n
}

// SegmentBytes is the size of the ranged GETs of an object read in ranges under a memory
// budget, when a row group has up to columns column chunks: two such ranges per column may be
// held at once, and all of them together a quarter of the budget.
func SegmentBytes(budget, columns int64) int64 {
	return min(max(budget/4/columns, minSegmentBytes), segmentBytes)
}

// WholeObjectLimit is the largest object fetched with one GET under a memory budget.
func WholeObjectLimit(budget int64) int64 { return min(wholeObjectBytes, budget/4) }

// segments is the fetch plan of an object that is not fetched whole: its footer, then its
// column chunks coalesced or cut into ranges of about segment bytes, in the order the decoder
// needs them (row group by row group, and within one the columns' ranges interleaved by how
// far into its chunk each starts, as the decoder reads all columns of a batch together).
func (p *Plan) segments(segment int64) []byteRange {
	type piece struct {
		byteRange
		rowGroup int
		at       float64 // where in its chunk the piece starts, 0 … 1
	}
	var pieces []piece
	var pending *piece // small adjacent chunks of one row group being coalesced
	flush := func() {
		if pending != nil {
			pieces = append(pieces, *pending)
			pending = nil
		}
	}
	for _, c := range p.chunks {
		if c.len() >= segment {
			flush()
			for off := c.off; off < c.end; off += segment {
				pieces = append(pieces, piece{byteRange{off, min(off+segment, c.end)}, c.rowGroup, float64(off-c.off) / float64(c.len())})
			}
			continue
		}
		if pending != nil && pending.rowGroup == c.rowGroup && pending.end == c.off && c.end-pending.off <= segment {
			pending.end = c.end
			continue
		}
		flush()
		pending = &piece{c.byteRange, c.rowGroup, 0}
	}
	flush()
	sort.SliceStable(pieces, func(i, j int) bool {
		if pieces[i].rowGroup != pieces[j].rowGroup {
			return pieces[i].rowGroup < pieces[j].rowGroup
		}
		return pieces[i].at < pieces[j].at
	})
	out := make([]byteRange, 0, len(pieces)+1)
	out = append(out, p.footer)
	for _, pc := range pieces {
		out = append(out, pc.byteRange)
	}
	return out
}

// maxColumns is the most column chunks of one row group: how many ranges the decoder reads at once.
func (p *Plan) maxColumns() int {
	counts := map[int]int{}
	most := 1
	for _, c := range p.chunks {
		counts[c.rowGroup]++
		most = max(most, counts[c.rowGroup])
	}
	return most
}

// objectRead is how the sync reads one object under the spec's memory budget.
type objectRead struct {
	ranges  []byteRange // what to fetch, in the order it is needed
	ahead   int64       // bytes fetched ahead of the decoder at most
	reserve int64       // budget bytes the object holds while it is read
	batch   batchSize
}

func planObjectRead(obj *s3store.Object, p *Plan, opts Options) objectRead {
	budget, perRecord := opts.MemoryBudget, int64(opts.RowsPerRecord)
	r := objectRead{batch: batchSize{rows: max(perRecord, decodeBatchRows), firstRows: max(perRecord, firstBatchRows), bytes: max(budget/batchBudgetShare, minSegmentBytes), firstRowBytes: p.rowBytes, record: perRecord, total: p.numRows}}
	if p.whole {
		r.ranges, r.ahead = []byteRange{{0, obj.Size}}, obj.Size
	} else {
		cols := int64(p.maxColumns())
		segment := SegmentBytes(budget, cols)
		r.ranges, r.ahead = p.segments(segment), min(2*cols*segment, obj.Size)
	}
	r.reserve = r.ahead + p.decodeBytes + r.batch.outputBytes(p.rowBytes)
	return r
}
