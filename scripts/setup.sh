#!/usr/bin/env bash
# Installs what the tests need on a Debian machine (run as root, or with passwordless sudo for apt):
# Debian packages, the S3 emulator in a project-local venv, Go modules, actionlint and the
# CloudQuery CLI (built from tools/cloudquery, whose committed go.sum pins every module).
# Safe to run again: each step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
ACTIONLINT_VERSION=v1.7.12
APT_PACKAGES=(buildah busybox-static qemu-user-static shellcheck file make)

step() { printf '\n==> %s\n' "$*"; }

step "Debian packages: ${APT_PACKAGES[*]}"
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "already installed"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: installing ${missing[*]} needs root (run as root or install them yourself)" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

step "S3 emulator: moto[server]==${MOTO_VERSION} in .venv"
if [ -x .venv/bin/moto_server ] && .venv/bin/python -c "import moto, sys; sys.exit(moto.__version__ != '${MOTO_VERSION}')" 2>/dev/null; then
  echo "already installed"
else
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}"
fi

step "Go modules"
go mod download
echo "ok"

step "actionlint ${ACTIONLINT_VERSION} in .tools/bin"
if [ -x .tools/bin/actionlint ] && .tools/bin/actionlint --version | head -1 | grep -qx "${ACTIONLINT_VERSION}"; then
  echo "already installed"
else
  GOBIN="$PWD/.tools/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
fi

CQ_MODULE=github.com/cloudquery/cloudquery/cli/v6
CQ_VERSION=$(cd tools/cloudquery && go list -m -f '{{.Version}}' "$CQ_MODULE")
step "CloudQuery CLI ${CQ_VERSION} in .tools/bin (tools/cloudquery)"
if [ -x .tools/bin/cloudquery ] && [ "$(.tools/bin/cloudquery --version 2>/dev/null)" = "cloudquery version ${CQ_VERSION}" ]; then
  echo "already installed"
else
  echo "building ${CQ_MODULE}@${CQ_VERSION} from the Go module proxy (a cold build takes several minutes on 2 cores)..."
  started=$SECONDS
  # Bounded: a stalled module download fails setup with a message instead of eating CI's budget.
  if ! (cd tools/cloudquery && timeout 1200 go build -trimpath -ldflags "-s -w -X ${CQ_MODULE}/cmd.Version=${CQ_VERSION}" -o ../../.tools/bin/cloudquery "$CQ_MODULE"); then
    echo "error: building the CloudQuery CLI failed or took over 20 minutes (see above); the CLI tests need .tools/bin/cloudquery" >&2
    exit 1
  fi
  echo "built .tools/bin/cloudquery ($(du -h .tools/bin/cloudquery | cut -f1)) in $((SECONDS - started)) s: $(.tools/bin/cloudquery --version)"
fi

step "setup done"
