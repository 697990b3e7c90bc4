#!/usr/bin/env bash
# Builds what the PostgreSQL suite (test/postgres) needs beside Debian's `postgresql` (setup installs it;
# the suite starts its own throw-away server with the binaries): CloudQuery's PostgreSQL destination,
# built from its unmodified public source in shared/third_party/cloudquery-destination-postgresql
# (see that directory's README) into .tools/bin/cq-destination-postgresql.
# Safe to run again: skips the build when the binary was built from the same version of the source.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
  || { echo "error: PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin): run \"npx projen setup\", which installs Debian's postgresql" >&2; exit 1; }

# shared/ sits beside the main checkout (for a git worktree, beside the repository it belongs to).
common_dir=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo "$PWD/.git")
SRC=${CQ_DESTINATION_POSTGRESQL_SRC:-$(dirname "$(dirname "$common_dir")")/shared/third_party/cloudquery-destination-postgresql}
# Where shared/ is not beside the checkout (a GitHub runner), the same pinned commit of the public
# repository is fetched (sparse: only the destination's directory), and its commit id checked.
PINNED_REPO=https://github.com/cloudquery/cloudquery
PINNED_TAG=plugins/destination/postgresql/v8.16.0
PINNED_COMMIT=0329e58ace537b63ac440d0e9bba9cf355c6eeca
fetched=""
if [ ! -f "$SRC/go.mod" ] && [ -z "${CQ_DESTINATION_POSTGRESQL_SRC:-}" ]; then
  fetched=$(mktemp -d)
  echo "no source at $SRC: fetching ${PINNED_TAG} (${PINNED_COMMIT}) from ${PINNED_REPO}"
  if git clone --quiet --depth 1 --branch "$PINNED_TAG" --filter=blob:none --sparse "$PINNED_REPO" "$fetched/repo" \
    && git -C "$fetched/repo" sparse-checkout set plugins/destination/postgresql \
    && [ "$(git -C "$fetched/repo" rev-parse HEAD)" = "$PINNED_COMMIT" ]; then
    SRC="$fetched/repo/plugins/destination/postgresql"
  else
    rm -rf "$fetched"
    echo "error: CloudQuery's PostgreSQL destination source is missing at $SRC and ${PINNED_TAG} could not be fetched at ${PINNED_COMMIT} (expected shared/third_party/ beside the checkout; set CQ_DESTINATION_POSTGRESQL_SRC to its directory)" >&2
    exit 1
  fi
fi
if [ ! -f "$SRC/go.mod" ] || [ ! -f "$SRC/CHANGELOG.md" ]; then
  echo "error: CloudQuery's PostgreSQL destination source is missing at $SRC (set CQ_DESTINATION_POSTGRESQL_SRC to its directory)" >&2
  exit 1
fi
# The source's version is the newest release in its CHANGELOG ("## [8.16.0](...)").
VERSION=v$(sed -n 's/^## \[\([0-9][0-9.]*\)\].*/\1/p' "$SRC/CHANGELOG.md" | head -1)
[ "$VERSION" != "v" ] || { echo "error: no release version found in $SRC/CHANGELOG.md" >&2; exit 1; }
MODULE=$(sed -n 's/^module //p' "$SRC/go.mod")
VERSION_VAR="$MODULE/resources/plugin.Version"
BIN=.tools/bin/cq-destination-postgresql

step "CloudQuery PostgreSQL destination ${VERSION} in ${BIN} (from ${SRC})"
# -trimpath keeps -ldflags out of the binary's build info: a stamp beside it records what was built.
STAMP="$BIN.version"
if [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "${MODULE} ${VERSION}" ]; then
  echo "already installed"
  exit 0
fi
mkdir -p .tools/bin
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work" ${fetched:+"$fetched"}' EXIT
# shared/ is read-only (in CI too): build from a writable copy.
cp -R "$SRC" "$work/src"
chmod -R u+w "$work/src"
echo "building ${MODULE} ${VERSION} (a cold build downloads its modules: ~13 min here)..."
started=$SECONDS
if ! (cd "$work/src" && CGO_ENABLED=0 timeout 1800 go build -trimpath -ldflags "-s -w -X ${VERSION_VAR}=${VERSION}" -o "$work/cq-destination-postgresql" .); then
  echo "error: building CloudQuery's PostgreSQL destination failed or took over 30 minutes (see above); test/postgres needs ${BIN}" >&2
  exit 1
fi
mv "$work/cq-destination-postgresql" "$BIN"
echo "${MODULE} ${VERSION}" > "$STAMP"
echo "built ${BIN} ($(du -h "$BIN" | cut -f1)) in $((SECONDS - started)) s"
