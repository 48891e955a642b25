#!/usr/bin/env bash
# Web console suite (CTest: console_browser): Debian's headless Chromium driven by puppeteer-core
# (no browser download) against a real csmsd --dev. Screenshots go to SHOT_DIR for review.
#
# usage: tests/console/run.sh [path/to/csmsd] [SHOT_DIR]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
csmsd="${1:-$root/build/csmsd}"
shots="${2:-$root/build/console-screenshots}"
if [[ ! -x "$csmsd" ]]; then
  echo "console: csmsd not found at $csmsd (build it first)" >&2
  exit 1
fi
source "$root/tests/support/node_env.sh"
node_suite_preflight console
chromium="${CSMS_CHROMIUM:-$(command -v chromium || true)}"
if [[ -z "$chromium" ]]; then
  echo "console: chromium is missing: run scripts/install-deps.sh (make test does)" >&2
  exit 1
fi
node_suite_install console "$here"

work="$(mktemp -d /tmp/csms-console-XXXXXX)"
cleanup() {
  node_suite_stop_csmsd
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
node_suite_start_csmsd console "$csmsd" "$work"
mkdir -p "$shots"

status=0
HOME="$work" CSMS_ENDPOINT="http://127.0.0.1:$csmsd_port" CSMS_CHROMIUM="$chromium" CSMS_SHOTS="$shots" \
  node "$here/console_test.js" || status=$?
if [[ $status -ne 0 ]]; then
  echo "console: csmsd log:" >&2
  tail -n 50 "$work/csmsd.log" >&2
fi
exit $status
