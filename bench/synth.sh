#!/usr/bin/env bash
# Median wall time of `npx projen` in this repository vs a bare projen TypeScriptProject
# (projen's default ts-node runner) synthesised in the same run, interleaved. RUNS=5 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
bare=$(mktemp -d /tmp/bare-projen-XXXX)
trap 'rm -rf "$bare"' EXIT

echo "setting up a bare TypeScriptProject in $bare (projen new, npm install)..." >&2
(cd "$bare" && npx -y projen@0.103.25 new typescript --package-manager NPM --typescript-version 5.9.3 \
  --min-node-version 20.0.0 --projenrc-ts --no-git >/dev/null 2>&1 && npx projen >/dev/null 2>&1)
npx projen >/dev/null 2>&1   # warm
before=$(git status --porcelain)

ms() { local s e; s=$(date +%s%N); (cd "$1" && npx projen >/dev/null 2>&1); e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

ours=(); bares=()
for i in $(seq "$RUNS"); do
  ours+=("$(ms .)"); bares+=("$(ms "$bare")")
  echo "run $i: cq-source-s3 ${ours[-1]} ms, bare ${bares[-1]} ms" >&2
done
mo=$(printf '%s\n' "${ours[@]}" | median); mb=$(printf '%s\n' "${bares[@]}" | median)
echo "npx projen median of $RUNS: cq-source-s3 (tsx require hook) ${mo} ms; bare TypeScriptProject (ts-node) ${mb} ms; ratio $(awk -v a="$mo" -v b="$mb" 'BEGIN {printf "%.2f", a/b}')"
[ "$before" = "$(git status --porcelain)" ] || { echo "error: npx projen changed files between runs (not deterministic)" >&2; exit 1; }
