#!/usr/bin/env bash
# Installs what `npx projen bench` needs beyond `npx projen setup` (the tests do not need it):
# versitygw, the S3 server of the throughput benchmark (built from tools/versitygw, whose go.sum
# pins every module), and pyarrow, its reference reader (scripts/bench-requirements.txt, hash-checked).
# Safe to run again: each step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

VGW_MODULE=github.com/versity/versitygw
VGW_VERSION=$(cd tools/versitygw && go list -m -f '{{.Version}}' "$VGW_MODULE")
step "versitygw ${VGW_VERSION} in .tools/bin (tools/versitygw)"
built=$({ go version -m .tools/bin/versitygw 2>/dev/null || true; } | awk '$1=="mod"{print $3}')
if [ "$built" = "$VGW_VERSION" ]; then
  echo "already installed"
else
  mkdir -p .tools/bin
  (cd tools/versitygw && timeout 1200 go build -trimpath -ldflags "-s -w" -o ../../.tools/bin/versitygw "$VGW_MODULE/cmd/versitygw")
  echo "built .tools/bin/versitygw ($(du -h .tools/bin/versitygw | cut -f1))"
fi

PYARROW_VERSION=$(sed -n 's/^pyarrow==\([^ ]*\) .*/\1/p' scripts/bench-requirements.txt)
step "pyarrow ${PYARROW_VERSION} in .venv (scripts/bench-requirements.txt)"
[ -x .venv/bin/python ] || { echo "error: .venv is missing: run \"npx projen setup\" first" >&2; exit 1; }
if .venv/bin/python -c "import pyarrow, sys; sys.exit(pyarrow.__version__ != '${PYARROW_VERSION}')" 2>/dev/null; then
  echo "already installed"
else
  .venv/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r scripts/bench-requirements.txt
fi
step "bench setup done"
