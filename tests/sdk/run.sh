#!/usr/bin/env bash
# SDK compatibility suite (CTest: sdk_compat). Installs the Node project's dependencies into
# tests/sdk/node_modules when missing or stale (npm ci from package-lock.json), starts csmsd --dev
# on a free port, runs scenario.js with AK/SK and with X-Auth-Token, stops csmsd.
#
# usage: tests/sdk/run.sh [path/to/csmsd]     (default: build/csmsd)
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
cleanup() {
  node_suite_stop_csmsd
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
node_suite_start_csmsd sdk "$csmsd" "$work"
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
