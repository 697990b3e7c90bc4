#!/usr/bin/env bash
# Raw and gzip -9 sizes of the cross-compiled binaries (run "npx projen build:binaries" first).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "| platform | raw bytes | gzip -9 bytes | file |"
echo "|---|---:|---:|---|"
for f in dist/linux-*/cq-source-s3; do
  platform=$(basename "$(dirname "$f")" | tr - /)
  echo "| $platform | $(stat -c %s "$f") | $(gzip -9 -c "$f" | wc -c) | $(file -b "$f" | cut -d, -f1-2,5 | sed 's/|/\\|/g') |"
done
