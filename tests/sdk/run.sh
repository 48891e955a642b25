#!/usr/bin/env bash
# SDK compatibility suite (CTest: sdk_compat). Installs the Node project's dependencies into
# tests/sdk/node_modules when missing or stale (npm ci from package-lock.json), starts csmsd --dev
# on a free port, runs scenario.js with AK/SK and with X-Auth-Token, stops csmsd.
#
# usage: tests/sdk/run.sh [path/to/csmsd]     (default: build/csmsd)
#
# CSMS_SDK_ENGINE=postgresql runs csmsd on a fresh database of the test PostgreSQL (the CTest
# fixture `postgres`, scripts/test-postgres.sh; its directory in CSMS_TEST_POSTGRES_DIR, default
# build/test-postgres), dropped at the end. CTest: sdk_compat_pg.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
csmsd="${1:-$root/build/csmsd}"
if [[ ! -x "$csmsd" ]]; then
  echo "sdk: csmsd not found at $csmsd (build it first)" >&2
  exit 1
fi
source "$root/tests/support/node_env.sh"
node_suite_preflight sdk
node_suite_install sdk "$here"

work="$(mktemp -d /tmp/csms-sdk-XXXXXX)"
engine_args=()
pg_psql() {
  PGPASSWORD="$(cat "$pg_dir/password")" PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 \
    -h "$(cat "$pg_dir/host")" -p "$(cat "$pg_dir/port")" -U "$(cat "$pg_dir/user")" -d postgres -c "$1"
}
pg_db=""
cleanup() {
  node_suite_stop_csmsd
  if [[ -n "$pg_db" ]]; then pg_psql "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" > /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
if [[ "${CSMS_SDK_ENGINE:-sqlite}" == postgresql ]]; then
  pg_dir="${CSMS_TEST_POSTGRES_DIR:-$root/build/test-postgres}"
  if [[ ! -s "$pg_dir/port" ]]; then
    echo "sdk: no test PostgreSQL in $pg_dir (scripts/test-postgres.sh start $pg_dir)" >&2
    exit 1
  fi
  pg_db="sdk_$(basename "$work" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')"
  pg_psql "CREATE DATABASE $pg_db ENCODING 'UTF8'" > /dev/null
  engine_args=(--database "postgresql://$(cat "$pg_dir/user")@$(cat "$pg_dir/host"):$(cat "$pg_dir/port")/$pg_db"
    --database-password-file "$pg_dir/password")
  echo "sdk: on PostgreSQL database $pg_db"
fi
node_suite_start_csmsd sdk "$csmsd" "$work" "${engine_args[@]}"
port="$csmsd_port"

# HOME: the SDK's default User-Agent writes $HOME/.huaweicloud (scenario.js avoids it; belt and
# braces). The --dev fixtures are documented in docs/auth.md.
status=0
HOME="$work" \
  CSMS_ENDPOINT="http://127.0.0.1:$port" \
  CSMS_PROJECT_ID=0123456789abcdef0123456789abcdef \
  CSMS_PROJECT_NAME=dev \
  CSMS_AK=DEVACCESSKEY0000CSMS \
  CSMS_SK=devSecretKey0000000000000000000000000CSMS \
  CSMS_DOMAIN=csms \
  CSMS_USER=admin \
  CSMS_PASSWORD=admin \
  node "$here/scenario.js" || status=$?
if [[ $status -ne 0 ]]; then
  echo "sdk: csmsd log:" >&2
  tail -n 50 "$work/csmsd.log" >&2
fi
exit $status
