package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func (b *bench) dataBytes(ds dataset) int64 {
	var n int64
	_ = filepath.Walk(filepath.Join(b.data, ds.bucket, ds.prefix), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

var readers = []struct{ key, label string }{
	{"before", "plugin, before"},
	{"after", "plugin, after"},
	{"arrow-s3", "pyarrow, S3 (same server)"},
	{"arrow-local", "pyarrow, local disk"},
	{"arrowgo-local", "arrow-go, local disk, decoding only"},
	{"arrowgo-ipc-local", "arrow-go, local disk, decoding + the SDK's insert serialisation"},
}

// compareRows is one dataset's lines of the comparison table, and its small-object line.
func (b *bench) compareRows(name string, ds dataset, res map[string][]result) [][]string {
	size := b.dataBytes(ds)
	rate := func(who string) float64 {
		return float64(ds.rows) / med(res[who], func(r result) float64 { return r.seconds })
	}
	// ratio is who's rows/s against a reference reader's, or — when that reader did not run.
	ratio := func(who, ref string) string {
		if len(res[ref]) == 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f×", rate(who)/rate(ref))
	}
	var out [][]string
	for _, rd := range readers {
		rs := res[rd.key]
		if len(rs) == 0 {
			continue
		}
		secs := make([]string, len(rs))
		for i, r := range rs {
			secs[i] = fmt.Sprintf("%.2f", r.seconds)
		}
		gets := med(rs, func(r result) float64 { return float64(r.initGets + r.syncGets) })
		row := []string{
			fmt.Sprintf("%s (%d × %s rows, %.0f MB)", name, ds.objects, commas(ds.rows/int64(ds.objects)), float64(size)/1e6),
			rd.label,
			fmt.Sprintf("%.2f (%s)", med(rs, func(r result) float64 { return r.seconds }), strings.Join(secs, ", ")),
			commas(int64(rate(rd.key))),
			ratio(rd.key, "arrow-s3"),
			ratio(rd.key, "arrow-local"),
			fmt.Sprintf("%.2f", med(rs, func(r result) float64 { return r.cpu })),
			fmt.Sprintf("%.2f", med(rs, func(r result) float64 { return r.sysCPU })),
			fmt.Sprintf("%.2f + %.2f", med(rs, func(r result) float64 { return r.driverCPU }), med(rs, func(r result) float64 { return r.serverCPU })),
			fmt.Sprintf("%.0f", med(rs, func(r result) float64 { return r.rssMiB })),
			fmt.Sprintf("%.0f (%.2f per object)", gets, gets/float64(ds.objects)),
			fmt.Sprintf("%.3f×", med(rs, func(r result) float64 { return float64(r.syncBytes) })/float64(size)),
			insertBytes(rs),
		}
		if rd.key != "before" && rd.key != "after" {
			row[7] = "—" // the reference readers report user + system together
		}
		if strings.HasSuffix(rd.key, "-local") {
			row[10], row[11] = "—", "—"
		}
		out = append(out, row)
	}
	if ds.objects >= 1000 {
		for _, who := range []string{"before", "after"} {
			rs := res[who]
			objs := float64(ds.objects)
			fmt.Fprintf(os.Stderr, "%s %s: Init %.0f objects/s, Sync %.0f objects/s, CPU %.2f ms/object at Init, %.2f ms/object at Sync\n", name, who,
				objs/med(rs, func(r result) float64 { return r.initSeconds }), objs/med(rs, func(r result) float64 { return r.syncSeconds }),
				1000*med(rs, func(r result) float64 { return r.initCPU })/objs, 1000*med(rs, func(r result) float64 { return r.syncCPU })/objs)
			smallObjects = append(smallObjects, []string{name, who,
				fmt.Sprintf("%.2f", med(rs, func(r result) float64 { return r.initSeconds })),
				fmt.Sprintf("%.0f", objs/med(rs, func(r result) float64 { return r.initSeconds })),
				fmt.Sprintf("%.2f", med(rs, func(r result) float64 { return r.syncSeconds })),
				fmt.Sprintf("%.0f", objs/med(rs, func(r result) float64 { return r.syncSeconds })),
				fmt.Sprintf("%.2f", 1000*med(rs, func(r result) float64 { return r.initCPU })/objs),
				fmt.Sprintf("%.2f", 1000*med(rs, func(r result) float64 { return r.syncCPU })/objs),
				fmt.Sprintf("%.0f + %.0f", med(rs, func(r result) float64 { return float64(r.initGets) }), med(rs, func(r result) float64 { return float64(r.syncGets) })),
			})
		}
	}
	return out
}

var smallObjects [][]string

func insertBytes(rs []result) string {
	if rs[0].inserts == 0 {
		return "—"
	}
	return fmt.Sprintf("%s in %s", commas(int64(med(rs, func(r result) float64 { return float64(r.insertBytes) }))), commas(int64(med(rs, func(r result) float64 { return float64(r.inserts) }))))
}

func printComparison(rows [][]string) {
	fmt.Println("| dataset | reader | median s (runs) | rows/s | vs pyarrow S3 | vs pyarrow local | CPU s | of which system | driver + S3 server CPU s | peak RSS MiB | GETs, Init + Sync | bytes read at Sync / data | insert bytes in messages |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Println("| " + strings.Join(r, " | ") + " |")
	}
	if len(smallObjects) > 0 {
		fmt.Println("\n| dataset | plugin | Init s | Init objects/s | Sync s | Sync objects/s | CPU ms/object, Init | CPU ms/object, Sync | GETs, Init + Sync |")
		fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|---:|")
		for _, r := range smallObjects {
			fmt.Println("| " + strings.Join(r, " | ") + " |")
		}
	}
	fmt.Println()
}

func scalingRow(name string, ds dataset, rs []result) []string {
	secs := make([]string, len(rs))
	for i, r := range rs {
		secs[i] = fmt.Sprintf("%.2f", r.seconds)
	}
	s := med(rs, func(r result) float64 { return r.seconds })
	return []string{name, commas(ds.rows), commas(int64(ds.objects)),
		fmt.Sprintf("%.2f (%s)", s, strings.Join(secs, ", ")),
		commas(int64(float64(ds.rows) / s)),
		fmt.Sprintf("%.2f", med(rs, func(r result) float64 { return r.cpu })),
		fmt.Sprintf("%.0f", med(rs, func(r result) float64 { return r.rssMiB })),
		fmt.Sprintf("%.0f + %.0f", med(rs, func(r result) float64 { return float64(r.initGets) }), med(rs, func(r result) float64 { return float64(r.syncGets) })),
		fmt.Sprintf("%f", s), fmt.Sprintf("%f", med(rs, func(r result) float64 { return r.rssMiB })),
	}
}

// printScaling prints the scaling table with each step's ratios to the one before in its series.
func printScaling(rows [][]string) {
	fmt.Println("| series | rows | objects | median s (runs) | rows/s | CPU s | peak RSS MiB | GETs, Init + Sync | time × previous | RSS × previous |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var prev []string
	for _, r := range rows {
		series := strings.TrimRight(r[0], "0123456789")
		ratioT, ratioR := "—", "—"
		if prev != nil && strings.TrimRight(prev[0], "0123456789") == series {
			var t0, t1, m0, m1 float64
			fmt.Sscan(prev[8], &t0)
			fmt.Sscan(r[8], &t1)
			fmt.Sscan(prev[9], &m0)
			fmt.Sscan(r[9], &m1)
			ratioT, ratioR = fmt.Sprintf("%.2f×", t1/t0), fmt.Sprintf("%.2f×", m1/m0)
		}
		fmt.Println("| " + strings.Join(append([]string{series}, r[1:8]...), " | ") + " | " + ratioT + " | " + ratioR + " |")
		prev = r
	}
}

func commas(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
