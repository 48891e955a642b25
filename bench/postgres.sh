#!/usr/bin/env bash
# make bench, part 4: csmsd on PostgreSQL (docs/scaling.md, Sizing).
#
# Starts its own PostgreSQL (scripts/test-postgres.sh into a temp dir, with fsync and synchronous
# commit ON, unlike the test suite's), then measures over HTTP with wrk:
#   list   = GET  /v1/{project}/secrets?limit=50   (50 secrets)
#   show   = GET  /v1/{project}/secrets/fixed/versions/latest
#   create = POST /v1/{project}/secrets            (unique names, a wrk Lua script)
# for three set-ups: 1 csmsd on SQLite (on-disk data dir, --sqlite-sync full), 1 csmsd on
# PostgreSQL, 3 csmsd replicas on one PostgreSQL database (one wrk per replica, the connections
# split between them). Every process shares the machine's cores, unpinned (csmsd, PostgreSQL and
# wrk all together: on a small box req/s measure the box, so read the CPU columns): csmsd µs of CPU
# per request (all replicas together) and PostgreSQL's (the postmaster and its backends).
# Then delivery across replicas (bench/postgres_delivery_bench.cc): deliveries/s and
# trigger → delivery p50/p99 at 1,000 triggers/s with 1 and 3 replicas.
#
# Usage: bench/postgres.sh [BUILD_DIR]       (default: build)
# Knobs (environment): BENCH_PG_DURATION (s per measured run, default 5), BENCH_PG_CONNECTIONS
#   (wrk connections in all, default 12), BENCH_PG_ONLY=delivery (skip the wrk runs),
#   BENCH_PG_DELIVERY_FILTER (a --benchmark_filter for the delivery benchmark, default all).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCRIPTS_DIR=$(cd "$BENCH_DIR/../scripts" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
CSMSD="$BUILD/csmsd"
DURATION=${BENCH_PG_DURATION:-5}
CONNECTIONS=${BENCH_PG_CONNECTIONS:-12}
OUT_DIR="$BENCH_DIR/out"

die() { echo "bench/postgres: $*" >&2; exit 1; }
[[ -x "$CSMSD" ]] || die "$CSMSD not found: build first (make build)"
command -v wrk > /dev/null || die "wrk not found: run scripts/install-deps.sh --bench"
command -v psql > /dev/null || die "psql not found: run scripts/install-deps.sh"

TMP=$(mktemp -d /tmp/csms-bench-pg.XXXXXX)
chmod 755 "$TMP"
PIDS=()
PG="$TMP/pg"
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  bash "$SCRIPTS_DIR/test-postgres.sh" stop "$PG" > /dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CSMS_TEST_POSTGRES_DURABLE=1 bash "$SCRIPTS_DIR/test-postgres.sh" start "$PG" > /dev/null ||
  die "could not start PostgreSQL"
PG_HOST=$(cat "$PG/host")
PG_PORT=$(cat "$PG/port")
PG_USER=$(cat "$PG/user")
export PGPASSWORD
PGPASSWORD=$(cat "$PG/password")
PG_BASE="postgresql://$PG_USER@$PG_HOST:$PG_PORT"
POSTMASTER=$(head -1 "$(cat "$PG/root")/data/postmaster.pid")
PG_VERSION=$(psql -XAtq "$PG_BASE/postgres" -c 'SHOW server_version')

# --- helpers -------------------------------------------------------------------------------------
# start_csmsd NAME ARGS...: a csmsd on a free port; its URL in $TMP/NAME.url, its pid in $TMP/NAME.pid.
start_csmsd() {
  local name=$1
  shift
  "$CSMSD" --no-access-log --secret-quota 1000000 --listen 127.0.0.1:0 --port-file "$TMP/$name.port" "$@" \
    < /dev/null > "$TMP/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  echo "$pid" > "$TMP/$name.pid"
  for _ in $(seq 300); do
    [[ -s "$TMP/$name.port" ]] && break
    kill -0 "$pid" 2> /dev/null || { cat "$TMP/$name.log" >&2; die "csmsd $name exited at startup"; }
    sleep 0.1
  done
  [[ -s "$TMP/$name.port" ]] || die "csmsd $name did not write its port file"
  echo "http://127.0.0.1:$(tr -d '[:space:]' < "$TMP/$name.port")" > "$TMP/$name.url"
}
stop_csmsd() {
  local pid
  pid=$(cat "$TMP/$1.pid")
  kill "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}
# ticks PID...: user+system CPU ticks of the processes and their direct children.
ticks() {
  local total=0 p f
  for p in "$@"; do
    for q in "$p" $(ps -o pid= --ppid "$p" 2> /dev/null); do
      f=$(sed 's/.*) //' "/proc/$q/stat" 2> /dev/null) || continue
      set -- $f
      total=$((total + ${12} + ${13}))
    done
  done
  echo "$total"
}
token_of() {  # token_of URL DATA_DIR
  local project password
  project=$(awk -F= '$1 == "project_id" {print $2}' "$2/initial-credentials")
  password=$(awk -F= '$1 == "password" {print $2}' "$2/initial-credentials")
  curl -sS -o /dev/null -D - -H 'Content-Type: application/json' -X POST "$1/v3/auth/tokens" \
    -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"'"$password"'","domain":{"name":"csms"}}}},"scope":{"project":{"id":"'"$project"'"}}}}' |
    awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r'
}
post() {  # post URL BODY
  local code
  code=$(curl -sS -o "$TMP/out" -w '%{http_code}' -X POST "$1" -H "X-Auth-Token: $TOKEN" \
    -H 'Content-Type: application/json' -d "$2")
  [[ "$code" == 200 ]] || { cat "$TMP/out" >&2; die "POST $1 returned $code"; }
}

VALUE='a 64-byte value of the kind an application keeps in a secret...'
# populate URL: the secrets the list and show scenarios read.
populate() {
  post "$1/v1/$PROJECT/secrets" '{"name":"fixed","secret_string":"the value an application reads"}'
  for i in $(seq -w 0 49); do post "$1/v1/$PROJECT/secrets" '{"name":"list-'"$i"'","secret_string":"'"$VALUE"'"}'; done
}
write_lua() {
  cat > "$TMP/create.lua" << LUA
local prefix = os.getenv("BENCH_PREFIX") or "b"
local n = 0
local headers = {["Content-Type"] = "application/json", ["X-Auth-Token"] = "$TOKEN"}
function request()
  n = n + 1
  return wrk.format("POST", "/v1/$PROJECT/secrets", headers,
    '{"name":"' .. prefix .. "-" .. n .. '","secret_string":"$VALUE"}')
end
LUA
}

# measure SETUP SCENARIO URL...: one wrk per URL at once; a result line in $TMP/results.
measure() {
  local setup=$1 scenario=$2
  shift 2
  local urls=("$@") n=$# per pids=() target script=() i
  per=$((CONNECTIONS / n))
  ((per >= 1)) || per=1
  case $scenario in
    list) target="/v1/$PROJECT/secrets?limit=50" ;;
    show) target="/v1/$PROJECT/secrets/fixed/versions/latest" ;;
    create) target="/v1/$PROJECT/secrets" script=(-s "$TMP/create.lua") ;;
  esac
  local csmsd_pids=()
  for f in "$TMP"/"$setup"-r*.pid; do csmsd_pids+=("$(cat "$f")"); done
  local c0 p0
  c0=$(ticks "${csmsd_pids[@]}")
  p0=$(ticks "$POSTMASTER")
  for ((i = 0; i < n; i++)); do
    BENCH_PREFIX="$setup-$scenario-$i" wrk -t1 -c"$per" -d"${DURATION}s" --timeout 10s --latency "${script[@]}" \
      -H "X-Auth-Token: $TOKEN" "${urls[$i]}$target" > "$TMP/wrk.$setup.$scenario.$i" 2>&1 < /dev/null &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  local c1 p1
  c1=$(ticks "${csmsd_pids[@]}")
  p1=$(ticks "$POSTMASTER")
  [[ "$setup" == sqlite1 ]] && p1=$p0  # PostgreSQL is idle then
  cat "$TMP"/wrk."$setup"."$scenario".* | awk -v hz="$(getconf CLK_TCK)" -v c="$((c1 - c0))" -v p="$((p1 - p0))" \
    -v setup="$setup" -v scenario="$scenario" -v conns="$((per * n))" '
    function ms(v,  u) { u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
      return v * ((u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1) }
    /requests in/ {reqs += $1}
    /^Requests\/sec:/ {rps += $2}
    $1 == "50%" {v = ms($2); if (v > p50) p50 = v}
    $1 == "99%" {v = ms($2); if (v > p99) p99 = v}
    /Non-2xx/ {errs += $NF}
    /Socket errors/ {gsub(/,/, ""); errs += $4 + $6 + $8 + $10}
    END {
      printf "%-24s %-7s %5d %9.0f %8.2f %8.2f %11.0f %10.0f %7d\n", setup, scenario, conns, rps, p50, p99,
        reqs ? c * 1e6 / hz / reqs : 0, reqs ? p * 1e6 / hz / reqs : 0, errs
    }' >> "$TMP/results"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$TMP/results"
ONLY=${BENCH_PG_ONLY:-}
[[ -z "$ONLY" || "$ONLY" == delivery ]] || die "BENCH_PG_ONLY: only 'delivery' is known"
if [[ -z "$ONLY" ]]; then

# --- 1 replica on SQLite -------------------------------------------------------------------------
start_csmsd sqlite1-r0 --data-dir "$TMP/sqlite1-r0" --sqlite-sync full --no-delivery
URL=$(cat "$TMP/sqlite1-r0.url")
PROJECT=$(awk -F= '$1 == "project_id" {print $2}' "$TMP/sqlite1-r0/initial-credentials")
TOKEN=$(token_of "$URL" "$TMP/sqlite1-r0")
[[ -n "$TOKEN" ]] || die "no token from csmsd on SQLite"
populate "$URL"
write_lua
for s in list show create; do measure sqlite1 "$s" "$URL"; done
stop_csmsd sqlite1-r0

# --- N replicas on one PostgreSQL database ---------------------------------------------------------
# pg_setup NAME REPLICAS: a new database; replica 0 starts first (it creates the master key and
# the first account), the others get a copy of its master key (the same key on every replica).
pg_setup() {
  local name=$1 n=$2 i
  psql -XAtq "$PG_BASE/postgres" -c "CREATE DATABASE $name" > /dev/null
  local db=(--database "$PG_BASE/$name" --database-password-file "$PG/password" --no-delivery)
  start_csmsd "$name-r0" --data-dir "$TMP/$name-r0" "${db[@]}"
  for ((i = 1; i < n; i++)); do
    mkdir -m 700 "$TMP/$name-r$i"
    cp "$TMP/$name-r0/master.key" "$TMP/$name-r$i/master.key"
    start_csmsd "$name-r$i" --data-dir "$TMP/$name-r$i" "${db[@]}"
  done
  URLS=()
  for ((i = 0; i < n; i++)); do URLS+=("$(cat "$TMP/$name-r$i.url")"); done
  PROJECT=$(awk -F= '$1 == "project_id" {print $2}' "$TMP/$name-r0/initial-credentials")
  TOKEN=$(token_of "${URLS[0]}" "$TMP/$name-r0")
  [[ -n "$TOKEN" ]] || die "no token from csmsd on PostgreSQL"
  populate "${URLS[0]}"
  write_lua
}
pg_setup pg1 1
for s in list show create; do measure pg1 "$s" "${URLS[@]}"; done
stop_csmsd pg1-r0
pg_setup pg3 3
for s in list show create; do measure pg3 "$s" "${URLS[@]}"; done
for i in 0 1 2; do stop_csmsd "pg3-r$i"; done
fi

# --- delivery across replicas -----------------------------------------------------------------------
DELIVERY=""
if [[ -x "$BUILD/bench_postgres_delivery_bench" ]]; then
  DELIVERY=$(CSMS_BENCH_PG_URL="$PG_BASE/postgres" CSMS_BENCH_PG_PASSWORD="$PGPASSWORD" CSMS_BENCH_PG_PID="$POSTMASTER" \
    "$BUILD/bench_postgres_delivery_bench" --benchmark_filter="${BENCH_PG_DELIVERY_FILTER:-.}" 2> /dev/null | grep '^BM_' |
    sed -E 's/\/iterations:1\/manual_time//; s/ +[0-9.]+ ms +[0-9.]+ ms +1 / /' || true)
else
  DELIVERY="(bench_postgres_delivery_bench not built: Google Benchmark missing)"
fi

# --- report ----------------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
{
  echo "csmsd on PostgreSQL $PG_VERSION (own server, fsync on, synchronous_commit on) vs SQLite (--sqlite-sync full)"
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs shared unpinned by wrk, every csmsd and PostgreSQL;"
  echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (other work skews req/s, less CPU/req)"
  echo "wrk -t1 -d${DURATION}s, $CONNECTIONS connections in all (split over the replicas), token auth"
  echo
  printf '%-24s %-7s %5s %9s %8s %8s %11s %10s %7s\n' setup scenario conns "req/s" "p50 ms" "p99 ms" \
    "csmsd us/r" "pg us/r" errors
  sed -e 's/^sqlite1 /1 replica, SQLite /; s/^pg1 /1 replica, PostgreSQL /; s/^pg3 /3 replicas, PostgreSQL /' \
    "$TMP/results" | awk '{printf "%-24s %s\n", $1 " " $2 " " $3, substr($0, index($0, $4))}'
  echo
  echo "list = GET secrets?limit=50 (50 secrets), show = GET secrets/fixed/versions/latest, create = POST secrets"
  echo "csmsd us/r: CPU of every csmsd process per request; pg us/r: PostgreSQL's (postmaster and backends)"
  echo
  echo "delivery (bench/postgres_delivery_bench.cc; /1 and /3 = replicas; targets: >= 10,000 deliveries/s,"
  echo "p99 <= 20 ms at 1,000 triggers/s; cpu_us_per_delivery = the benchmark process (dispatchers, stores,"
  echo "receiver), pg_cpu_us_per_delivery = PostgreSQL):"
  echo "$DELIVERY"
} | tee "$OUT_DIR/postgres.txt"
