#!/usr/bin/env bash
# make bench, part 2: CreateSecretVersion over HTTP for a secret subscribed to an ENABLED event, so
# every request is one durable commit holding the new sealed version and its outbox notification.
# Runs csmsd on an on-disk data dir (the real deployment), with --sqlite-sync full (fsync on each
# commit: survives power loss) and then normal (survives a crash of csmsd, not of the machine), and
# without delivery, so the number is the write path alone.
#
# Usage: bench/secrets.sh [BUILD_DIR]       (default: build)
# Knobs (environment): BENCH_DURATION (s per run, default 8), BENCH_CONNECTIONS (default 8).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
CSMSD="$BUILD/csmsd"
DURATION=${BENCH_DURATION:-8}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
OUT_DIR="$BENCH_DIR/out"

die() { echo "bench/secrets: $*" >&2; exit 1; }
[[ -x "$CSMSD" ]] || die "$CSMSD not found: build first (make build)"
command -v wrk >/dev/null || die "wrk not found: run scripts/install-deps.sh --bench"

# Deliveries are measured on their own; here notifications stay in the outbox (PENDING).
NO_DELIVERY=()
CSMSD_HELP=$("$CSMSD" --help 2>/dev/null || true)  # not piped into grep -q: SIGPIPE would fail the test
if [[ "$CSMSD_HELP" == *--no-delivery* ]]; then NO_DELIVERY=(--no-delivery); fi

TMP=$(mktemp -d /tmp/csms-bench-secrets.XXXXXX)
PID=""
cleanup() {
  [[ -z "$PID" ]] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_one SYNC: starts csmsd on a fresh data dir, prepares event + secret, measures, stops.
run_one() {
  local sync=$1 data="$TMP/data-$1" url token project password code
  "$CSMSD" --data-dir "$data" --no-access-log --sqlite-sync "$sync" "${NO_DELIVERY[@]}" --listen 127.0.0.1:0 --port-file "$TMP/port" \
    </dev/null >"$TMP/csmsd-$sync.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do
    [[ -s "$TMP/port" ]] && break
    kill -0 "$PID" 2>/dev/null || { cat "$TMP/csmsd-$sync.log" >&2; die "csmsd exited at startup"; }
    sleep 0.1
  done
  url="http://127.0.0.1:$(tr -d '[:space:]' <"$TMP/port")"
  rm -f "$TMP/port"
  project=$(awk -F= '$1 == "project_id" {print $2}' "$data/initial-credentials")
  password=$(awk -F= '$1 == "password" {print $2}' "$data/initial-credentials")
  token=$(curl -sS -o /dev/null -D - -H 'Content-Type: application/json' -X POST "$url/v3/auth/tokens" \
    -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"'"$password"'","domain":{"name":"csms"}}}},"scope":{"project":{"id":"'"$project"'"}}}}' |
    awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r')
  [[ -n "$token" ]] || die "no token from csmsd"
  code=$(curl -sS -o "$TMP/out" -w '%{http_code}' -X POST "$url/v1/$project/csms/events" -H "X-Auth-Token: $token" \
    -H 'Content-Type: application/json' \
    -d '{"name":"bench","event_types":["SECRET_VERSION_CREATED"],"state":"ENABLED","notification":{"target_type":"SMN","target_id":"urn:smn:r:p:bench","target_name":"bench"}}')
  [[ "$code" == 200 ]] || { cat "$TMP/out" >&2; die "creating the event returned $code"; }
  code=$(curl -sS -o "$TMP/out" -w '%{http_code}' -X POST "$url/v1/$project/secrets" -H "X-Auth-Token: $token" \
    -H 'Content-Type: application/json' -d '{"name":"bench-secret","secret_string":"v1","event_subscriptions":["bench"]}')
  [[ "$code" == 200 ]] || { cat "$TMP/out" >&2; die "creating the secret returned $code"; }

  cat >"$TMP/post.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"secret_string":"a 64-byte value of the kind an application keeps in a secret..."}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Auth-Token"] = "$token"
EOF
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$TMP/post.lua" "$url/v1/$project/secrets/bench-secret/versions" \
    >"$TMP/wrk-$sync.txt" 2>&1 </dev/null
  if grep -q 'Non-2xx\|Socket errors' "$TMP/wrk-$sync.txt"; then cat "$TMP/wrk-$sync.txt" >&2; die "wrk saw errors"; fi
  # Every acknowledged version left its notification in the outbox (newest first, so the first
  # record's sequence is the count of notifications of the secret).
  local seq
  seq=$(curl -sS -H "X-Auth-Token: $token" "$url/v1/$project/csms/notification-records?notification_status=PENDING&limit=50" |
    { grep -o '\\"sequence\\":[0-9]*' || true; } | grep -o '[0-9]*$' | sort -n | tail -1)
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=""
  RPS[$sync]=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk-$sync.txt")
  REQS[$sync]=$(awk '/requests in/ {print $1}' "$TMP/wrk-$sync.txt")
  P50[$sync]=$(awk '$1 == "50%" {print $2}' "$TMP/wrk-$sync.txt")
  P99[$sync]=$(awk '$1 == "99%" {print $2}' "$TMP/wrk-$sync.txt")
  SEQ[$sync]=${seq:-?}
}

declare -A RPS REQS P50 P99 SEQ
run_one full
run_one normal
mkdir -p "$OUT_DIR"
{
  echo "CreateSecretVersion over HTTP, secret subscribed to an ENABLED event (version + outbox row per commit)"
  echo "csmsd on an on-disk data dir ($(df -h "$TMP" | awk 'NR == 2 {print $1}')), default threads; wrk -t1 -c$CONNECTIONS -d${DURATION}s; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '%-22s %10s %10s %10s %12s %22s\n' "--sqlite-sync" "versions/s" "p50" "p99" "requests" "outbox rows of secret"
  for sync in full normal; do
    printf '%-22s %10s %10s %10s %12s %22s\n' "$sync" "${RPS[$sync]}" "${P50[$sync]}" "${P99[$sync]}" "${REQS[$sync]}" \
      "${SEQ[$sync]}"
  done
  echo "(outbox rows = 1 for v1 + one per acknowledged request: every commit carried its notification)"
} | tee "$OUT_DIR/secrets.txt"
