#!/usr/bin/env bash
# Times .ci/run as a new contributor's machine would run it. `bash bench/ci-run.sh` (cold): a fresh
# clone of this branch in a temp dir, with empty Go module and build caches, npm, pip and XDG
# caches and buildah storage (no .tools, .venv or node_modules). `bash bench/ci-run.sh DIR` (warm):
# .ci/run again in DIR, a clone the cold run left, with the caches it filled. Prints the log path;
# the run's own timing table ends the log.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
  dir=$(mktemp -d /tmp/ci-run-XXXX)
  git clone -q --branch "$(git -C "$repo" rev-parse --abbrev-ref HEAD)" "$repo" "$dir/repo"
  # CI checks the repository out with shared/ (third-party sources) beside it: so does this clone.
  [ ! -d "$repo/../shared" ] || ln -s "$(cd "$repo/../shared" && pwd)" "$dir/shared"
  kind=cold
else
  dir=$1
  kind=warm
fi
cache=$dir/cache
mkdir -p "$cache"/{gomod,gobuild,npm,pip,xdg,buildah}
log="$dir/$kind-$(date +%H%M%S).log"
echo "$kind .ci/run in $dir/repo ($(git -C "$dir/repo" rev-parse --short HEAD)); log $log"
started=$SECONDS
rc=0
(cd "$dir/repo" && env GOMODCACHE="$cache/gomod" GOCACHE="$cache/gobuild" npm_config_cache="$cache/npm" \
  PIP_CACHE_DIR="$cache/pip" XDG_CACHE_HOME="$cache/xdg" IMAGE_VERIFY_STORAGE="$cache/buildah/storage" \
  bash .ci/run) > "$log" 2>&1 || rc=$?
echo "$kind .ci/run: exit $rc in $((SECONDS - started)) s (log $log)"
exit "$rc"
