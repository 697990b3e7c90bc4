#!/usr/bin/env bash
# Raw and gzip -9 sizes of the cross-compiled binaries (run "npx projen build:binaries" first).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "| platform | raw bytes | gzip -9 bytes | file |"
echo "|---|---:|---:|---|"
for f in dist/linux-*/cq-source-s3; do
  platform=$(basename "$(dirname "$f")" | tr - /)
  echo "| $platform | $(stat -c %s "$f") | $(gzip -9 -c "$f" | wc -c) | $(file -b "$f" | grep -oE "x86-64|ARM aarch64"), $(file -b "$f" | grep -oE "statically linked|dynamically linked"), $(file -b "$f" | grep -oE "not stripped|stripped") |"
done
