"""The benchmark's datasets and its Arrow reference reader (bench/perf drives both).

  python bench/arrow_read.py generate ROOT
      writes the datasets as Parquet files under ROOT/<bucket>/<table>/ with pyarrow's defaults
      (snappy, dictionary encoding, 1 MiB pages); repeated files are hard links of one file.
  python bench/arrow_read.py read (s3 ENDPOINT | local ROOT) BUCKET PREFIX
      reads every row of every object under PREFIX with pyarrow's dataset scanner (its
      parallel reader, all cores, pre-buffered ranged reads on S3) and prints one JSON line:
      rows, seconds, CPU seconds and peak RSS of this process.
"""
import json
import os
import random
import resource
import sys
import time

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

# (bucket, table, objects, rows per object, kind): the four datasets, and the scaling series.
DATASETS = [
    ("wide5", "events", 50, 200_000, "cols5"),
    ("wide30", "metrics", 10, 100_000, "cols30"),
    ("small", "tiny", 2_000, 100, "cols5"),
    ("bomb", "blobs", 16, 450, "bomb"),
    ("large", "events", 1, 5_000_000, "cols4"),  # one object over the whole-object limit
] + [
    (f"rows{n}", "events", n // 100_000, 100_000, "cols4") for n in (10**5, 10**6, 10**7, 10**8)
] + [
    (f"objects{n}", "events", n, 100, "cols4") for n in (10, 100, 1_000, 10_000)
]


def table(kind, rows):
    """Deterministic rows; the wide datasets' values are pseudo-random, so they barely compress."""
    rng = random.Random(rows)
    ids = pa.array(range(rows), pa.int64())
    if kind == "bomb":  # 260 KB per row, different for each, compressible to almost nothing
        return pa.table({"id": ids, "blob": pa.array([(f"{i:08d}" * 32_500) for i in range(rows)], pa.string())})
    if kind == "cols4":  # bench/sync.ts's 4 columns
        return pa.table({
            "id": ids,
            "at": pa.array([1_704_067_200_000_000 + i * 1_000_000 for i in range(rows)], pa.timestamp("us", tz="UTC")),
            "value": pa.array([i / 3 for i in range(rows)], pa.float64()),
            "name": pa.array([f"name-{i % 1000}" for i in range(rows)], pa.string()),
        })
    if kind == "cols5":
        return pa.table({
            "id": ids,
            "at": pa.array([1_704_067_200_000_000 + rng.getrandbits(40) for _ in range(rows)], pa.timestamp("us", tz="UTC")),
            "value": pa.array([rng.random() for _ in range(rows)], pa.float64()),
            "name": pa.array([f"{rng.getrandbits(32):08x}" for _ in range(rows)], pa.string()),
            "flag": pa.array([rng.getrandbits(31) for _ in range(rows)], pa.int32()),
        })
    cols = {}
    for c in range(10):
        cols[f"i{c}"] = pa.array([rng.getrandbits(62) for _ in range(rows)], pa.int64())
        cols[f"f{c}"] = pa.array([rng.random() for _ in range(rows)], pa.float64())
        cols[f"s{c}"] = pa.array([f"{rng.getrandbits(12):03x}" for _ in range(rows)], pa.string())
    return pa.table(cols)


def generate(root):
    for bucket, tbl, objects, rows, kind in DATASETS:
        d = os.path.join(root, bucket, tbl)
        last = os.path.join(d, f"part-{objects - 1:05d}.parquet")
        if os.path.exists(last):
            continue
        os.makedirs(d, exist_ok=True)
        first = os.path.join(d, "part-00000.parquet")
        compression = "zstd" if kind == "bomb" else "snappy"
        pq.write_table(table(kind, rows), first, compression=compression, compression_level=19 if kind == "bomb" else None)
        for i in range(1, objects):
            p = os.path.join(d, f"part-{i:05d}.parquet")
            if not os.path.exists(p):
                os.link(first, p)
        print(f"{bucket}/{tbl}: {objects} objects of {rows} rows, {os.path.getsize(first)} bytes each", file=sys.stderr)


def read(where, bucket, prefix):
    if where[0] == "s3":
        fs = pafs.S3FileSystem(access_key="test", secret_key="test", region="us-east-1", scheme="http",
                               endpoint_override=where[1].removeprefix("http://"), allow_bucket_creation=False)
        base = f"{bucket}/{prefix}"
    else:
        fs = pafs.LocalFileSystem()
        base = os.path.join(where[1], bucket, prefix)
    start = time.perf_counter()
    dataset = ds.dataset(base, filesystem=fs, format="parquet")
    scan_options = ds.ParquetFragmentScanOptions(pre_buffer=True)
    rows = 0
    for batch in dataset.to_batches(fragment_scan_options=scan_options, use_threads=True):
        rows += batch.num_rows
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss // 1024}))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
    elif sys.argv[1] == "read":
        read(sys.argv[2:4], sys.argv[4], sys.argv[5])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
