#!/usr/bin/env bash
# The release tools bundle: size, and node start-up (`--help`) against plain node and the ways
# the workflow used to run the same program. Interleaved runs; medians. Usage: bash bench/release-tools.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
out=$(mktemp -d)
node_modules/.bin/tsx src/cli/bundle-release-tools.ts --out "$out/release-tools.cjs" >/dev/null
npx projen compile >/dev/null 2>&1
echo "bundle: $(stat -c %s "$out/release-tools.cjs") bytes ($(gzip -9c "$out/release-tools.cjs" | wc -c) gzipped), sha256 $(sha256sum "$out/release-tools.cjs" | cut -c1-16)…"
declare -A samples
cases=("node -e 0" "node release-tools.cjs promote --help" "node lib/cli/promote.js --help" "npx --no -- promote --help")
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
for _ in $(seq "$runs"); do
  samples[0]+="$(ms node -e 0) "
  samples[1]+="$(cd "$out" && ms node release-tools.cjs promote --help) "
  samples[2]+="$(ms node lib/cli/promote.js --help) "
  samples[3]+="$(ms npx --no -- promote --help) "
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${samples[0]}" | median)
for i in 0 1 2 3; do
  m=$(echo "${samples[$i]}" | median)
  printf '%-40s median %4d ms  (%.2fx node -e 0)  runs: %s\n' "${cases[$i]}" "$m" "$(echo "$m / $base" | bc -l)" "${samples[$i]}"
done
rm -rf "$out"
