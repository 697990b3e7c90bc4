# shellcheck shell=bash
# Tool builds that run beside other work: sourced by scripts/setup.sh (and any setup script that
# builds a tool). Each build runs in its own process group with its output in
# .tools/builds/NAME.log; when it ends it writes .tools/builds/NAME.status ("ok SECONDS cpu CPU" or
# "failed EXIT SECONDS cpu CPU", CPU being user + sys seconds). scripts/await-tools.sh waits for builds by name: a suite that needs a
# tool starts with it, so suites that need none start while the tools build.
TOOL_BUILDS_DIR="$PWD/.tools/builds"
TOOL_BUILD_NAMES=()

# tool_build NAME 'SHELL COMMAND': start the command (bash, from the repository root) as NAME's build.
tool_build() {
  local name=$1 command=$2
  mkdir -p "$TOOL_BUILDS_DIR"
  rm -f "$TOOL_BUILDS_DIR/$name.status"
  echo "$name: building (log .tools/builds/$name.log)"
  # setsid: its own process group, so scripts/await-tools.sh --stop can end the whole build.
  # shellcheck disable=SC2016 # the inner script expands its own arguments
  setsid bash -c '
    dir=$1 name=$2 started=$SECONDS
    # CPU seconds (user + sys) beside the wall time: on a shared machine they say what a build costs.
    /usr/bin/time -f "%U %S" -o "$dir/$name.cpu" bash -c "$3" > "$dir/$name.log" 2>&1 < /dev/null
    rc=$?
    cpu=$(awk "NF==2 {c=\$1 + \$2} END {if (c != \"\") printf \"%d\", c}" "$dir/$name.cpu" 2>/dev/null)
    if [ "$rc" -eq 0 ]; then echo "ok $((SECONDS - started)) cpu ${cpu:-?}"; else echo "failed $rc $((SECONDS - started)) cpu ${cpu:-?}"; fi > "$dir/$name.status.tmp"
    mv "$dir/$name.status.tmp" "$dir/$name.status"
  ' "tool-build-$name" "$TOOL_BUILDS_DIR" "$name" "$command" < /dev/null > /dev/null 2>&1 &
  echo $! > "$TOOL_BUILDS_DIR/$name.pid"
  TOOL_BUILD_NAMES+=("$name")
}

# tool_skip NAME: NAME is up to date; forget a previous build's state.
tool_skip() {
  rm -f "$TOOL_BUILDS_DIR/$1".{status,pid}
}

# tool_builds_finish: with SETUP_TOOLS=background, leave the builds running and say how to wait
# for them; otherwise wait for every build and fail if one failed.
tool_builds_finish() {
  local name pending=()
  for name in "${TOOL_BUILD_NAMES[@]}"; do
    [ -e "$TOOL_BUILDS_DIR/$name.status" ] || pending+=("$name")
  done
  [ ${#pending[@]} -gt 0 ] || return 0
  if [ "${SETUP_TOOLS:-wait}" = background ]; then
    echo "building in the background: ${pending[*]} (the suites that need them wait: scripts/await-tools.sh)"
    return 0
  fi
  bash scripts/await-tools.sh "${pending[@]}"
}
