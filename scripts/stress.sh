#!/usr/bin/env bash
# npx projen test:stress: the Go fault and cancellation tests and the end-to-end suite, RUNS times
# in a row (default 3), while stress-ng keeps every core busy. Prints pass/fail per round and
# fails if any round failed; each round's output is kept in a log whose path it prints.
# GO_TEST is the `go test` command with the release build's flags (set by the projen task).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
GO_TEST=${GO_TEST:-go test}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "error: RUNS must be a positive number of rounds, got '$RUNS'" >&2; exit 2; }
command -v stress-ng >/dev/null || { echo "error: stress-ng is missing: run \"npx projen setup\" (it installs the Debian package)" >&2; exit 1; }

logs=$(mktemp -d /tmp/cq-source-s3-stress-XXXX)
cores=$(nproc)
# Its own process group, ended when this script ends however it ends; bounded in case it is not.
setsid stress-ng --cpu "$cores" --timeout 4h --quiet < /dev/null > "$logs/stress-ng.log" 2>&1 &
hog=$!
trap 'kill -- "-$hog" 2>/dev/null || true' EXIT
sleep 1
kill -0 "$hog" 2>/dev/null || { echo "error: stress-ng did not start (see $logs/stress-ng.log): the rounds would not run under load" >&2; exit 1; }
echo "stress-ng: $cores CPU workers (pid $hog); logs in $logs"

failed=0
for round in $(seq "$RUNS"); do
  results=()
  for suite in go e2e; do
    log="$logs/round-$round-$suite.log"
    started=$SECONDS
    case $suite in
      go) cmd="$GO_TEST -count=1 -timeout 20m ./test/faults ./plugin" ;;
      e2e) cmd="npx projen e2e" ;;
    esac
    if bash -c "$cmd" > "$log" 2>&1; then
      results+=("$suite passed in $((SECONDS - started)) s")
    else
      results+=("$suite FAILED in $((SECONDS - started)) s ($log)")
      failed=$((failed + 1))
      tail -n 40 "$log" | sed "s/^/[round $round $suite] /"
    fi
  done
  echo "round $round/$RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg)): ${results[0]}; ${results[1]}"
done

if [ "$failed" -gt 0 ]; then
  echo "error: $failed suite run(s) failed under load (logs in $logs)" >&2
  exit 1
fi
echo "all $RUNS rounds passed under load"
