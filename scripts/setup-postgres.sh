#!/usr/bin/env bash
# Installs what the PostgreSQL suite (test/postgres) needs: Debian's `postgresql` (the suite starts its
# own throw-away server with the binaries; no cluster is used) and CloudQuery's PostgreSQL destination,
# built from its unmodified public source in shared/third_party/cloudquery-destination-postgresql
# (see that directory's README) into .tools/bin/cq-destination-postgresql.
# Safe to run again: skips the build when the binary was built from the same version of the source.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Debian package: postgresql"
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  echo "already installed"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: installing postgresql needs root (run as root or install Debian's postgresql yourself)" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql
fi

# shared/ sits beside the main checkout (for a git worktree, beside the repository it belongs to).
common_dir=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo "$PWD/.git")
SRC=${CQ_DESTINATION_POSTGRESQL_SRC:-$(dirname "$(dirname "$common_dir")")/shared/third_party/cloudquery-destination-postgresql}
if [ ! -f "$SRC/go.mod" ] || [ ! -f "$SRC/CHANGELOG.md" ]; then
  echo "error: CloudQuery's PostgreSQL destination source is missing at $SRC (expected shared/third_party/ beside the checkout; set CQ_DESTINATION_POSTGRESQL_SRC to its directory)" >&2
  exit 1
fi
# The source's version is the newest release in its CHANGELOG ("## [8.16.0](...)").
VERSION=v$(sed -n 's/^## \[\([0-9][0-9.]*\)\].*/\1/p' "$SRC/CHANGELOG.md" | head -1)
[ "$VERSION" != "v" ] || { echo "error: no release version found in $SRC/CHANGELOG.md" >&2; exit 1; }
MODULE=$(sed -n 's/^module //p' "$SRC/go.mod")
VERSION_VAR="$MODULE/resources/plugin.Version"
BIN=.tools/bin/cq-destination-postgresql

step "CloudQuery PostgreSQL destination ${VERSION} in ${BIN} (from ${SRC})"
# (a missing binary makes `go version` fail: `|| true` keeps pipefail and -e from ending setup here)
if { go version -m "$BIN" 2>/dev/null || true; } | grep -qF -- "-X ${VERSION_VAR}=${VERSION}"; then
  echo "already installed"
  exit 0
fi
mkdir -p .tools/bin
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
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
echo "built ${BIN} ($(du -h "$BIN" | cut -f1)) in $((SECONDS - started)) s"
