#!/usr/bin/env bash
# Median wall time of `npx projen` in this repository vs a bare projen TypeScriptProject
# (projen's default ts-node runner) synthesised in the same run, interleaved. RUNS=5 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
bare=$(mktemp -d /tmp/bare-projen-XXXX)
trap 'rm -rf "$bare"' EXIT

echo "setting up a bare TypeScriptProject in $bare (npm install)..." >&2
cat > "$bare/package.json" <<'JSON'
{ "name": "bare", "devDependencies": { "projen": "0.103.25", "typescript": "5.9.3", "ts-node": "^10.9.2", "@types/node": "^20" } }
JSON
cat > "$bare/.projenrc.ts" <<'TS'
import { javascript, typescript } from 'projen';
new typescript.TypeScriptProject({
  name: 'bare', defaultReleaseBranch: 'main', packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true, typescriptVersion: '5.9.3', minNodeVersion: '20.0.0', projenVersion: '0.103.25',
}).synth();
TS
(cd "$bare" && git init -q && npm install --silent --no-audit --no-fund >/dev/null 2>&1 && npx projen >/dev/null 2>&1 && npx projen >/dev/null 2>&1)
npx projen >/dev/null 2>&1   # warm

ms() { local s e; s=$(date +%s%N); (cd "$1" && npx projen >/dev/null 2>&1); e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

ours=(); bares=()
for i in $(seq "$RUNS"); do
  ours+=("$(ms .)"); bares+=("$(ms "$bare")")
  echo "run $i: cq-source-s3 ${ours[-1]} ms, bare ${bares[-1]} ms" >&2
done
mo=$(printf '%s\n' "${ours[@]}" | median); mb=$(printf '%s\n' "${bares[@]}" | median)
echo "npx projen median of $RUNS: cq-source-s3 (tsx) ${mo} ms; bare TypeScriptProject (ts-node) ${mb} ms; ratio $(awk -v a="$mo" -v b="$mb" 'BEGIN {printf "%.2f", a/b}')"
test -z "$(git status --porcelain --untracked-files=no)" || { echo "error: npx projen changed tracked files" >&2; exit 1; }
