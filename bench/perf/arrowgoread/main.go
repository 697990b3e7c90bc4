// Command arrowgoread is bench/perf's arrow-go reference reader: it reads every Parquet file
// under a directory from local disk with arrow-go's Parquet reader (the one the plugin uses),
// the plugin's reader settings, columns decoded in parallel and one object per core, and prints
// one JSON line as bench/arrow_read.py does: rows, seconds, CPU seconds, peak RSS.
//
//	arrowgoread decode DIR   # decoding only: what any reader built on arrow-go pays
//	arrowgoread ipc DIR      # and every 500 rows serialised as the plugin SDK sends an insert
//
// It has no S3, no gRPC and no client: the plugin's CPU beyond it is the protocol's and its own.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	pb "github.com/cloudquery/plugin-pb-go/pb/plugin/v3"
	"golang.org/x/sync/errgroup"
)

// The plugin's defaults (internal/parquetread/read_plan.go, spec rows_per_record): decode batches of up to
// 262,144 rows, records of 500 rows, a 64 KiB buffer per column chunk.
const (
	batchRows  = 256 << 10
	recordRows = 500
	bufferSize = 64 << 10
)

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "decode" && os.Args[1] != "ipc") {
		fmt.Fprintln(os.Stderr, "usage: arrowgoread decode|ipc DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1] == "ipc", os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "arrowgoread:", err)
		os.Exit(1)
	}
}

func run(serialise bool, dir string) error {
	start := time.Now()
	rows, err := readAll(serialise, dir)
	if err != nil {
		return err
	}
	seconds := time.Since(start).Seconds()
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"rows": rows, "seconds": seconds, "cpu": cpu, "rss_mib": float64(ru.Maxrss) / 1024,
	})
}

// readAll reads every .parquet file under dir, one per core at a time, and counts the rows.
func readAll(serialise bool, dir string) (int64, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	if len(paths) == 0 {
		return 0, fmt.Errorf("no .parquet files under %s", dir)
	}
	var rows atomic.Int64
	g := new(errgroup.Group)
	g.SetLimit(runtime.NumCPU())
	for _, p := range paths {
		g.Go(func() error {
			n, err := readFile(p, serialise)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			rows.Add(n)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return rows.Load(), nil
}

// readFile decodes one whole file held in memory, as the plugin does with an object it fetched.
func readFile(path string, serialise bool) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	props := parquet.NewReaderProperties(memory.DefaultAllocator)
	props.BufferedStreamEnabled, props.BufferSize, props.PageStreamingEnabled = true, bufferSize, true
	pf, err := file.NewParquetReader(bytes.NewReader(data), file.WithReadProps(props))
	if err != nil {
		return 0, err
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{Parallel: true, BatchSize: batchRows}, memory.DefaultAllocator)
	if err != nil {
		return 0, err
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return 0, err
	}
	defer rr.Release()
	var rows int64
	for {
		rec, err := rr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		if serialise {
			for off := int64(0); off < rec.NumRows(); off += recordRows {
				part := rec.NewSlice(off, min(off+recordRows, rec.NumRows()))
				_, err := pb.RecordToBytes(part)
				part.Release()
				if err != nil {
					return rows, err
				}
			}
		}
		rows += rec.NumRows()
	}
}
