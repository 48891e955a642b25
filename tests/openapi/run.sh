#!/usr/bin/env bash
# The OpenAPI contract's Node checks (docs/openapi.yaml; @redocly/cli and ajv from
# tests/openapi/package-lock.json, installed with npm ci):
#   run.sh lint               CTest openapi_lint: @redocly/cli lint with redocly.yaml, zero errors
#                             and zero warnings.
#   run.sh validate [csmsd]   CTest openapi_validate: starts csmsd --dev on a free port and runs
#                             validate.mjs (real responses against the document csmsd serves).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mode="${1:-}"
source "$root/tests/support/node_env.sh"
node_suite_preflight "openapi_$mode"
node_suite_install openapi "$here"
# No telemetry and no update check from the linter: the test talks to nothing but csmsd.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

case "$mode" in
  lint)
    redocly=("$here/node_modules/.bin/redocly" lint "$root/docs/openapi.yaml" --config "$here/redocly.yaml")
    totals="$("${redocly[@]}" --format=json 2> /dev/null | node -e '
      let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
        const t = JSON.parse(s).totals; console.log(`${t.errors} ${t.warnings}`); });')" || true
    if [[ "$totals" != "0 0" ]]; then
      "${redocly[@]}" --format=stylish >&2 || true
      echo "openapi_lint: docs/openapi.yaml has errors or warnings (errors warnings: ${totals:-none})" >&2
      exit 1
    fi
    echo "openapi_lint: docs/openapi.yaml: no errors, no warnings"
    ;;
  validate)
    csmsd="${2:-$root/build/csmsd}"
    if [[ ! -x "$csmsd" ]]; then
      echo "openapi_validate: csmsd not found at $csmsd (build it first)" >&2
      exit 1
    fi
    work="$(mktemp -d /tmp/csms-openapi-XXXXXX)"
    cleanup() {
      node_suite_stop_csmsd
      rm -rf "$work"
    }
    trap cleanup EXIT INT TERM
    node_suite_start_csmsd openapi_validate "$csmsd" "$work"
    # The --dev fixtures (docs/auth.md).
    status=0
    HOME="$work" \
      CSMS_ENDPOINT="http://127.0.0.1:$csmsd_port" \
      CSMS_PROJECT_ID=0123456789abcdef0123456789abcdef \
      CSMS_DOMAIN=csms \
      CSMS_USER=admin \
      CSMS_PASSWORD=admin \
      CSMS_READER=reader \
      node "$here/validate.mjs" || status=$?
    if [[ $status -ne 0 ]]; then
      echo "openapi_validate: csmsd log:" >&2
      tail -n 50 "$work/csmsd.log" >&2
    fi
    exit $status
    ;;
  *)
    echo "usage: tests/openapi/run.sh lint | validate [path/to/csmsd]" >&2
    exit 2
    ;;
esac
