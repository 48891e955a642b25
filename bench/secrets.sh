#!/usr/bin/env bash
# make bench, part 2: the durable write path over HTTP, and reads while it is busy.
#
# One csmsd on an on-disk data dir (the real deployment) with --sqlite-sync full (every commit is
# fsynced before its response), no delivery (notifications stay PENDING in the outbox, so the number
# is the write path alone), token auth, default threads, unpinned. In the same run:
#   1. the data dir's fdatasync latency (bench/fsync_probe.cc) and the serial commit rate it allows,
#      before and after the write runs;
#   2. POST /v1/{project}/secrets with unique names (a wrk Lua script) at 1, 8 and 64 connections;
#   3. POST /v1/{project}/secrets/bench-secret/versions, the secret subscribed to an ENABLED event so
#      each version commits with its notification, at 1, 8 and 64 connections; then a check that the
#      outbox holds one notification per acknowledged version;
#   4. GET /v1/{project}/secrets/fixed/versions/latest at 4 connections, alone and while 64
#      connections create secrets, in 3 alternated rounds (the median one is judged); then the same
#      reads while 64 connections create on a second csmsd (the control: the machine's CPUs shared
#      with writes that are not csmsd's own);
#   5. the targets, PASS/MISS (reported, never failing the run).
# Beside req/s and latency, every run prints csmsd's CPU per request (utime + stime of the whole
# process from /proc/PID/stat, over the run, divided by the requests wrk completed: wrk's own CPU is
# not in it) and its context switches per request (voluntary + involuntary, summed over its threads
# from /proc/PID/task/*/status). On a shared machine throughput is noisy, CPU per request is not.
#
# Usage: bench/secrets.sh [BUILD_DIR]       (default: build)
# Knobs (environment): BENCH_WRITE_DURATION (s per measured run, default 5), BENCH_FSYNC_COUNT
#   (fdatasync calls per probe, default 200), TMPDIR (where the data dir goes: the disk under test),
#   BENCH_ONLY=create (only the create runs at 1 and 64 connections: a quick before/after; create1:
#   only the 1-connection run; reads: only the reads alone and while 64 connections create),
#   BENCH_READ_ROUNDS (rounds of reads alone / while creating, default 3), BENCH_READ_CONTROL=0
#   (skip the control with a second csmsd),
#   BENCH_CSMSD_ARGS (extra csmsd flags, e.g. "--writer-nice 0" for a before/after),
#   BENCH_PERF=FILE (perf record -e cpu-clock -g of csmsd during the 64-connection create run into
#   FILE, or of the BENCH_PERF_CONN-connection run; `perf report -i FILE --no-children --sort dso,sym`
#   shows where the microseconds go).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
CSMSD="$BUILD/csmsd"
DURATION=${BENCH_WRITE_DURATION:-5}
FSYNC_COUNT=${BENCH_FSYNC_COUNT:-200}
OUT_DIR="$BENCH_DIR/out"

die() { echo "bench/secrets: $*" >&2; exit 1; }
[[ -x "$CSMSD" ]] || die "$CSMSD not found: build first (make build)"
command -v wrk >/dev/null || die "wrk not found: run scripts/install-deps.sh --bench"
CXX=${CXX:-$(command -v c++ || command -v g++ || true)}
[[ -n "$CXX" ]] || die "no C++ compiler for bench/fsync_probe.cc"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/csms-bench-secrets.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- csmsd ---------------------------------------------------------------------------------------
# start_csmsd NAME: a csmsd on the data dir $TMP/NAME; sets S_PID, S_URL, S_PROJECT and S_TOKEN.
start_csmsd() {
  local data="$TMP/$1" port="$TMP/$1.port" password
  # shellcheck disable=SC2086 # BENCH_CSMSD_ARGS: extra flags, split on spaces
  "$CSMSD" --data-dir "$data" --no-access-log --sqlite-sync full --no-delivery --secret-quota 1000000 \
    --listen 127.0.0.1:0 --port-file "$port" ${BENCH_CSMSD_ARGS:-} </dev/null >"$TMP/$1.log" 2>&1 &
  S_PID=$!
  PIDS+=("$S_PID")
  for _ in $(seq 100); do
    [[ -s "$port" ]] && break
    kill -0 "$S_PID" 2>/dev/null || { cat "$TMP/$1.log" >&2; die "csmsd exited at startup"; }
    sleep 0.1
  done
  [[ -s "$port" ]] || die "csmsd did not write its port file"
  S_URL="http://127.0.0.1:$(tr -d '[:space:]' <"$port")"
  S_PROJECT=$(awk -F= '$1 == "project_id" {print $2}' "$data/initial-credentials")
  password=$(awk -F= '$1 == "password" {print $2}' "$data/initial-credentials")
  S_TOKEN=$(curl -sS -o /dev/null -D - -H 'Content-Type: application/json' -X POST "$S_URL/v3/auth/tokens" \
    -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"'"$password"'","domain":{"name":"csms"}}}},"scope":{"project":{"id":"'"$S_PROJECT"'"}}}}' |
    awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r')
  [[ -n "$S_TOKEN" ]] || die "no token from csmsd"
}
# create_script FILE: the wrk script creating secrets on the csmsd of S_URL (unique names: the run's
# name BENCH_PREFIX, a random id per wrk thread, a counter).
create_script() {
  cat >"$1" <<LUA
local prefix = os.getenv("BENCH_PREFIX") or "b"
local n = 0
local headers = {["Content-Type"] = "application/json", ["X-Auth-Token"] = "$S_TOKEN"}
function setup(thread) thread:set("tid", tostring(math.random(1, 1000000000))) end
function request()
  n = n + 1
  return wrk.format("POST", "/v1/$S_PROJECT/secrets", headers,
    '{"name":"' .. prefix .. "-" .. tid .. "-" .. n .. '","secret_string":"$VALUE"}')
end
LUA
}

VALUE='a 64-byte value of the kind an application keeps in a secret...'
DATA="$TMP/data"
start_csmsd data
CSMSD_PID=$S_PID URL=$S_URL PROJECT=$S_PROJECT TOKEN=$S_TOKEN
create_script "$TMP/create.lua"

post() {  # post PATH BODY: fails on anything but 200
  local code
  code=$(curl -sS -o "$TMP/out" -w '%{http_code}' -X POST "$URL$1" -H "X-Auth-Token: $TOKEN" \
    -H 'Content-Type: application/json' -d "$2")
  [[ "$code" == 200 ]] || { cat "$TMP/out" >&2; die "POST $1 returned $code"; }
}
post "/v1/$PROJECT/csms/events" \
  '{"name":"bench","event_types":["SECRET_VERSION_CREATED"],"state":"ENABLED","notification":{"target_type":"SMN","target_id":"urn:smn:r:p:bench","target_name":"bench"}}'
post "/v1/$PROJECT/secrets" '{"name":"bench-secret","secret_string":"v1","event_subscriptions":["bench"]}'
post "/v1/$PROJECT/secrets" '{"name":"fixed","secret_string":"the value an application reads"}'

cat >"$TMP/version.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"secret_string":"$VALUE"}'
wrk.headers["Content-Type"] = "application/json"
LUA

# --- helpers -------------------------------------------------------------------------------------
# csmsd's CPU time (utime + stime of all its threads, in clock ticks) and its context switches.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$CSMSD_PID/stat"; }
ctx_switches() { cat "/proc/$CSMSD_PID"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n + 0}'; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
# Write groups committed so far (GET /metrics: csms_store_commits_total).
commits() { curl -sS "$URL/metrics" | awk '$1 == "csms_store_commits_total" {print $2 + 0}'; }
# wrk_run NAME CONNECTIONS SECONDS URL [SCRIPT]: results in $TMP/NAME.txt, csmsd's CPU ticks, context
# switches and write groups over the run in $TMP/NAME.cpu.
wrk_run() {
  local script=() t0 c0 g0
  [[ -z "${5:-}" ]] || script=(-s "$5")
  g0=$(commits)
  t0=$(cpu_ticks)
  c0=$(ctx_switches)
  BENCH_PREFIX="$1" wrk -t1 -c"$2" -d"$3s" --timeout 10s --latency "${script[@]}" \
    -H "X-Auth-Token: $TOKEN" "$4" >"$TMP/$1.txt" 2>&1 </dev/null
  echo "$(($(cpu_ticks) - t0)) $(($(ctx_switches) - c0)) $(($(commits) - g0))" >"$TMP/$1.cpu"
}
rps_of() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$TMP/$1.txt"; }
reqs_of() { awk '/requests in/ {print $1}' "$TMP/$1.txt"; }
# Latency at a percentile in milliseconds (wrk prints us, ms, s or m).
ms_of() {
  awk -v p="$2%" '$1 == p {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", v * f; exit}' "$TMP/$1.txt"
}
# Non-2xx answers and socket errors (connect, read, write, timeout): printed, never hidden.
errors_of() {
  awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$TMP/$1.txt"
}
# csmsd's µs of CPU and context switches per completed request ("-" for runs that overlapped
# another: their CPU is shared).
cpu_of() { awk -v r="$(reqs_of "$1")" -v t="$TICK_US" '{if (r > 0) printf "%.0f", $1 * t / r; else print "-"}' "$TMP/$1.cpu"; }
ctx_of() { awk -v r="$(reqs_of "$1")" '{if (r > 0) printf "%.1f", $2 / r; else print "-"}' "$TMP/$1.cpu"; }
# Requests per write group (a read run commits nothing: "-").
group_of() { awk -v r="$(reqs_of "$1")" '{if ($3 > 0) printf "%.1f", r / $3; else print "-"}' "$TMP/$1.cpu"; }
row() {  # row LABEL NAME [overlapped]
  local cpu=- ctx=- group=-
  [[ -n "${3:-}" ]] || { cpu=$(cpu_of "$2"); ctx=$(ctx_of "$2"); }
  [[ -n "${3:-}" || "$1" == GET* ]] || group=$(group_of "$2")
  printf '%-46s %9s %9s %9s %9s %7s %9s %7s %7s\n' "$1" "$(rps_of "$2")" "$(ms_of "$2" 50)" "$(ms_of "$2" 99)" \
    "$(reqs_of "$2")" "$(errors_of "$2")" "$cpu" "$ctx" "$group"
}

# --- measure -------------------------------------------------------------------------------------
"$CXX" -O2 -std=c++17 -o "$TMP/fsync_probe" "$BENCH_DIR/fsync_probe.cc" || die "could not compile fsync_probe.cc"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
"$TMP/fsync_probe" "$DATA" "$FSYNC_COUNT" >"$TMP/fsync-before.txt" || die "fsync_probe failed"

SECRETS_URL="$URL/v1/$PROJECT/secrets"
HEADER=$(printf '%-46s %9s %9s %9s %9s %7s %9s %7s %7s' "scenario" "req/s" "p50 ms" "p99 ms" "requests" "errors" \
  "cpu us/r" "ctxsw/r" "r/group")
create_runs() {
  local c
  for c in "$@"; do
    if [[ -n "${BENCH_PERF:-}" && "$c" == "${BENCH_PERF_CONN:-64}" ]]; then
      perf record -q -e cpu-clock -g -o "$BENCH_PERF" -p "$CSMSD_PID" >/dev/null 2>&1 &
      local perf_pid=$!
      sleep 0.5
      wrk_run "create-$c" "$c" "$DURATION" "$SECRETS_URL" "$TMP/create.lua"
      kill -INT "$perf_pid"
      wait "$perf_pid" || true
    else
      wrk_run "create-$c" "$c" "$DURATION" "$SECRETS_URL" "$TMP/create.lua"
    fi
  done
}
if [[ "${BENCH_ONLY:-}" == create* ]]; then
  conns=(1 64)
  [[ "$BENCH_ONLY" != create1 ]] || conns=(1)
  create_runs "${conns[@]}"
  echo "creates only (BENCH_ONLY=create), --sqlite-sync full, wrk -t1 -d${DURATION}s; load average $LOAD_BEFORE" \
    "before, $(cut -d' ' -f1-3 /proc/loadavg) after; $(nproc) CPUs"
  sed 's/^/  /' "$TMP/fsync-before.txt"
  echo "$HEADER"
  for c in "${conns[@]}"; do row "POST secrets (create), $c conn" "create-$c"; done
  curl -sS "$URL/metrics" | awk '$1 == "csms_store_commits_total" {n = $2} $1 == "csms_store_commit_seconds_total" {t = $2}
    $1 == "csms_store_commit_max_seconds" {m = $2}
    END {printf "COMMITs: %d, mean %.2f ms, max %.2f ms\n", n, n ? 1000 * t / n : 0, 1000 * m}'
  exit 0
fi
READ_URL="$SECRETS_URL/fixed/versions/latest"
# Reads alone and while 64 connections create, BENCH_READ_ROUNDS times (alternated, so a change in
# the machine's load shows in both); the round with the median ratio is reported and judged. Then
# the control: the same reads while 64 connections create on a second csmsd (its own data dir, same
# disk), which shows how much of the loss is sharing the machine's CPUs and how much is csmsd's own.
READ_ROUNDS=${BENCH_READ_ROUNDS:-3}
ratio_of() { awk -v a="$(rps_of "$1")" -v b="$(rps_of "$2")" 'BEGIN {if (a > 0) printf "%.1f", 100 * b / a; else print 0}'; }
read_runs() {
  local i bg
  for i in $(seq "$READ_ROUNDS"); do
    wrk_run "read-alone-$i" 4 "$DURATION" "$READ_URL"
    # The writers start a second before the readers and end a second after.
    wrk_run "create-bg-$i" 64 $((DURATION + 2)) "$SECRETS_URL" "$TMP/create.lua" &
    bg=$!
    sleep 1
    wrk_run "read-busy-$i" 4 "$DURATION" "$READ_URL"
    wait "$bg" || true
  done
  MEDIAN=$(for i in $(seq "$READ_ROUNDS"); do echo "$i $(ratio_of "read-alone-$i" "read-busy-$i")"; done |
    sort -k2 -g | awk -v n="$READ_ROUNDS" 'NR == int((n + 1) / 2) {print $1}')
  [[ "${BENCH_READ_CONTROL:-1}" == 1 ]] || return 0
  start_csmsd control
  create_script "$TMP/control.lua"
  wrk_run control-bg 64 $((DURATION + 2)) "$S_URL/v1/$S_PROJECT/secrets" "$TMP/control.lua" &
  bg=$!
  sleep 1
  wrk_run read-control 4 "$DURATION" "$READ_URL"
  wait "$bg" || true
  kill "$S_PID" 2>/dev/null || true
}
read_rows() {
  local i
  row "GET secrets/fixed/versions/latest, 4 conn" "read-alone-$MEDIAN"
  row "  the same while 64 conn create secrets" "read-busy-$MEDIAN" overlapped
  row "  (those 64 conn creating, $((DURATION + 2)) s)" "create-bg-$MEDIAN" overlapped
  if [[ -s "$TMP/read-control.txt" ]]; then
    row "  the same while 64 conn create on a 2nd csmsd" read-control overlapped
    row "  (those 64 conn creating there, $((DURATION + 2)) s)" control-bg overlapped
  fi
  echo -n "reads while creating / alone, each round (alternated; the median one is shown above):"
  for i in $(seq "$READ_ROUNDS"); do echo -n " $(ratio_of "read-alone-$i" "read-busy-$i")%"; done
  echo
  [[ ! -s "$TMP/read-control.txt" ]] ||
    echo "  with the creates on a second csmsd instead (the median round's alone as the base): $(ratio_of "read-alone-$MEDIAN" read-control)%"
}
if [[ "${BENCH_ONLY:-}" == reads ]]; then
  read_runs
  echo "reads only (BENCH_ONLY=reads), --sqlite-sync full, wrk -t1 -d${DURATION}s; load average $LOAD_BEFORE" \
    "before, $(cut -d' ' -f1-3 /proc/loadavg) after; $(nproc) CPUs; csmsd flags: ${BENCH_CSMSD_ARGS:-(defaults)}"
  echo "$HEADER"
  read_rows
  exit 0
fi
create_runs 1 8 64
for c in 1 8 64; do wrk_run "version-$c" "$c" "$DURATION" "$SECRETS_URL/bench-secret/versions" "$TMP/version.lua"; done
read_runs
"$TMP/fsync_probe" "$DATA" "$FSYNC_COUNT" >"$TMP/fsync-after.txt" || die "fsync_probe failed"

# Every acknowledged version left its notification: the newest notification's per-secret sequence
# (inside its content) counts the versions committed with one, at least 1 (v1) + the acknowledged
# version requests; at most that + 73, the requests still in flight when each wrk run stopped
# (1 + 8 + 64 connections: committed, but not counted by wrk). The newest 200 records, not 1: a
# group commits up to 64 versions in the same millisecond, and records of one millisecond are
# listed by id, so the one with the highest sequence is among the newest few, not first.
seq=$(curl -sS -H "X-Auth-Token: $TOKEN" "$URL/v1/$PROJECT/csms/notification-records?notification_status=PENDING&secret_name=bench-secret&limit=200" |
  { grep -o '\\"sequence\\":[0-9]*' || true; } | grep -o '[0-9]*$' | sort -n | tail -1)
acked=1
for c in 1 8 64; do acked=$((acked + $(reqs_of "version-$c") - $(errors_of "version-$c"))); done

# --- report --------------------------------------------------------------------------------------
target() {  # target TEXT AWK-CONDITION
  if awk "BEGIN {exit !($2)}"; then echo "target: $1: PASS"; else echo "target: $1: MISS"; fi
}
mkdir -p "$OUT_DIR"
{
  echo "Durable writes over HTTP: csmsd --data-dir on $(df -h "$DATA" | awk 'NR == 2 {print $1 " (" $6 ")"}'), --sqlite-sync full,"
  echo "--no-delivery, default threads, unpinned; wrk -t1 -d${DURATION}s, token auth; $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs"
  echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "the data dir's disk, before the runs:"
  sed 's/^/  /' "$TMP/fsync-before.txt"
  echo "and after them:"
  sed 's/^/  /' "$TMP/fsync-after.txt"
  echo
  echo "$HEADER"
  for c in 1 8 64; do row "POST secrets (create), $c conn" "create-$c"; done
  for c in 1 8 64; do row "POST secrets/bench-secret/versions, $c conn" "version-$c"; done
  read_rows
  if [[ -n "${seq:-}" ]] && ((seq >= acked && seq <= acked + 73)); then
    verdict="OK: every acknowledged version has its notification"
  else
    verdict="MISMATCH"
  fi
  echo "outbox of bench-secret: newest notification sequence ${seq:-?}, versions acknowledged $acked" \
    "(+ at most 73 cut off by wrk's stop): $verdict"
  echo
  c1=$(rps_of create-1)
  c64=$(rps_of create-64)
  ra=$(rps_of "read-alone-$MEDIAN")
  rb=$(rps_of "read-busy-$MEDIAN")
  echo "creates 64 conn / 1 conn = $(awk -v a="$c64" -v b="$c1" 'BEGIN {printf "%.2f", a / b}')x;" \
    "reads during writes / alone = $(awk -v a="$rb" -v b="$ra" 'BEGIN {printf "%.0f%%", 100 * a / b}') (median of $READ_ROUNDS rounds)"
  target "64-connection creates >= 4x 1-connection creates/s, p99 <= 10 ms" \
    "$c64 >= 4 * $c1 && $(ms_of create-64 99) <= 10 && $(errors_of create-64) == 0"
  target "reads while 64 connections create >= 50% of alone, p99 <= 5 ms" \
    "$rb >= 0.5 * $ra && $(ms_of "read-busy-$MEDIAN" 99) <= 5 && $(errors_of "read-busy-$MEDIAN") == 0"
} | tee "$OUT_DIR/secrets.txt"
