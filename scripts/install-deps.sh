#!/usr/bin/env bash
# Installs the Debian packages csms needs to build, test and benchmark, skipping what is present.
# Non-interactive: safe for CI (no standard input) and for a fresh Debian 12 machine.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build make pkg-config
  libboost-dev libboost-system-dev libssl-dev libsqlite3-dev libpq-dev postgresql
  rapidjson-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libzxcvbn-dev libicu-dev
  sqlite3 curl openssl clang-format-14 python3  # python3 runs the rotation-function template test
  python3-yaml  # converts docs/openapi.yaml to the JSON csmsd serves at /openapi.json (cmake/openapi_json.py)
  chromium  # the web console's browser tests (tests/console)
  libmariadb-dev mariadb-server  # database rotation: MySQL/MariaDB client; the tests' MariaDB server
  libp11-kit-dev p11-kit softhsm2  # PKCS#11 headers (the master-key provider) and the SoftHSM2 token its tests use
  prometheus  # promtool checks the /metrics output (tests/integration/observability_test.cc)
  help2man lintian fakeroot dpkg-dev systemd  # make package (man pages from --help, dpkg-shlibdeps); its check (tests/package)
)
# Node.js and npm run the SDK compatibility suite (tests/sdk). A Node.js that is already there is
# kept (e.g. a nodejs package from elsewhere that bundles npm, which Debian's npm would conflict
# with): Debian's packages are installed only when a command is missing.
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  PACKAGES+=(nodejs npm)
fi
# `make fuzz` only (fuzz/, docs/fuzzing.md): `make test` replays the corpora with g++, so CI never
# downloads clang.
if [[ "${1:-}" == "--fuzz" ]]; then
  PACKAGES+=(clang-14 libfuzzer-14-dev)
fi
if [[ "${1:-}" == "--bench" ]]; then
  PACKAGES+=(wrk nginx-light)
fi
# scripts/stress-tests.sh: the CPU load beside the suite.
if [[ "${1:-}" == "--stress" ]]; then
  PACKAGES+=(stress-ng)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "installing: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Database servers (postgresql, mariadb-server) are installed for the tests, which start their own
# instances in temporary directories: no package may start a system service or create a cluster.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d > /dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
if ! grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
  $SUDO mkdir -p /etc/postgresql-common
  echo 'create_main_cluster = false' | $SUDO tee -a /etc/postgresql-common/createcluster.conf > /dev/null
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
