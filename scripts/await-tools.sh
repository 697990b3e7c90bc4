#!/usr/bin/env bash
# Waits for the tool builds setup started (scripts/tool-builds.sh): `await-tools.sh NAME...`
# returns when each named build has ended, and fails naming the build and showing its log's last
# lines if one failed. A name with no build under way (already installed, or setup not run) is
# not waited for: the suite then checks the tool itself. TOOLS_WAIT_BUDGET (seconds, default
# 3600) bounds the wait. `await-tools.sh --stop` ends the builds still running.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.tools/builds

running() { local pid; pid=$(cat "$dir/$1.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; }

if [ "${1:-}" = --stop ]; then
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .pid)
    if [ ! -e "$dir/$name.status" ] && running "$name"; then
      echo "stopping the build of $name"
      kill -- "-$(cat "$f")" 2>/dev/null || true
    fi
  done
  exit 0
fi

budget=${TOOLS_WAIT_BUDGET:-3600}
started=$SECONDS
failed=0
for name in "$@"; do
  said=-1
  while [ ! -e "$dir/$name.status" ] && [ -e "$dir/$name.pid" ]; do
    if ! running "$name"; then
      sleep 1  # it may have written its status as it exited
      [ -e "$dir/$name.status" ] && break
      echo "error: the build of $name ended without a result (killed?); see $dir/$name.log, then run \"npx projen setup\"" >&2
      exit 1
    fi
    waited=$((SECONDS - started))
    if [ "$waited" -ge "$budget" ]; then
      echo "error: the build of $name is still running after ${budget} s (TOOLS_WAIT_BUDGET); see $dir/$name.log" >&2
      exit 1
    fi
    if [ $((waited / 60)) -ne "$said" ]; then
      said=$((waited / 60))
      echo "waiting for the build of $name (${waited} s so far; log $dir/$name.log)"
    fi
    sleep 2
  done
  [ -e "$dir/$name.status" ] || continue
  read -r result a b _ < "$dir/$name.status"
  if [ "$result" = ok ]; then
    echo "$name: built in ${a} s"
  else
    echo "error: building $name failed (exit ${a}, after ${b} s); last lines of $dir/$name.log:" >&2
    tail -n 20 "$dir/$name.log" >&2
    failed=1
  fi
done
exit "$failed"
