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
# node and npm are project dependencies (scripts/install-deps.sh installs them): missing ones
# fail this suite. CSMS_SKIP_NODE_TESTS=1 is the explicit opt-out (exit 77: CTest reports a skip).
if [[ "${CSMS_SKIP_NODE_TESTS:-}" == 1 ]]; then
  echo "sdk: skipped: CSMS_SKIP_NODE_TESTS=1"
  exit 77
fi
for tool in node npm; do
  if ! command -v "$tool" > /dev/null; then
    echo "sdk: $tool is missing: run scripts/install-deps.sh (make test does), or set CSMS_SKIP_NODE_TESTS=1" >&2
    exit 1
  fi
done

# Several build trees may run this suite at once: install under a lock, and only when the
# lock file changed since the last install.
stamp="$here/node_modules/.csms-lock-sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
(
  flock 9
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "sdk: installing the Node dependencies (npm ci)"
    if ! (cd "$here" && npm ci --no-audit --no-fund 2>&1); then
      echo "sdk: npm ci failed (its output is above)" >&2
      exit 1
    fi
    echo "$want" > "$stamp"
  fi
) 9> "$here/.npm-install.lock"

work="$(mktemp -d /tmp/csms-sdk-XXXXXX)"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2> /dev/null; then
    kill -TERM "$pid" 2> /dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Port 0: the kernel picks a free port; csmsd writes it to the port file once it listens.
"$csmsd" --dev --no-access-log --listen 127.0.0.1:0 --port-file "$work/port" > "$work/csmsd.log" 2>&1 &
pid=$!
for _ in $(seq 200); do
  [[ -s "$work/port" ]] && break
  if ! kill -0 "$pid" 2> /dev/null; then
    echo "sdk: csmsd exited:" >&2
    cat "$work/csmsd.log" >&2
    exit 1
  fi
  sleep 0.05
done
port="$(cat "$work/port" 2> /dev/null || true)"
if [[ -z "$port" ]]; then
  echo "sdk: csmsd did not start listening" >&2
  cat "$work/csmsd.log" >&2
  exit 1
fi

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
