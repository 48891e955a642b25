#!/usr/bin/env bash
# make bench: HTTP throughput of csmsd against nginx serving the same bytes, the durable write path
# and reads under writes (bench/secrets.sh), filtered record pages (bench/records.sh), csmsd on
# PostgreSQL with 1 and 3 replicas (bench/postgres.sh), then every
# Google Benchmark binary of the build. See bench/README.md for what the numbers mean.
#
# Usage: bench/run.sh [BUILD_DIR]        (default: build)
# Knobs (environment): BENCH_DURATION (s per measured run, default 8), BENCH_WARMUP (s, default 2),
#   BENCH_ROUNDS (alternating rounds per server and scenario, default 3), BENCH_CONNECTIONS (default 32),
#   BENCH_SKIP_MICRO=1 (skip the Google Benchmark binaries), BENCH_VARIANTS (the csmsd configurations
#   compared with nginx, default "dev1 dev data"); the parts' own knobs (bench/README.md).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
CSMSD="$BUILD/csmsd"
DURATION=${BENCH_DURATION:-8}
WARMUP=${BENCH_WARMUP:-2}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
OUT_DIR="$BENCH_DIR/out"
declare -A TARGET_RATIO=([list]=0.8 [show]=0.9)  # csmsd req/s / nginx req/s (issue 9)

CONTENT_TYPE='application/json;charset=UTF-8'

die() { echo "bench: $*" >&2; exit 1; }
echo "bench: start $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

[[ -x "$CSMSD" ]] || die "$CSMSD not found: build first (make build)"
command -v wrk >/dev/null || die "wrk not found: run scripts/install-deps.sh --bench"
command -v curl >/dev/null || die "curl not found: run scripts/install-deps.sh"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)  # /usr/sbin is not on every user's PATH
[[ -x "$NGINX" ]] || die "nginx not found: run scripts/install-deps.sh --bench"

TMP=$(mktemp -d /tmp/csms-bench.XXXXXX)
PIDS=()
cleanup() {
  local pid
  echo "bench: end $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- CPU placement: wrk on one core, the server under test alone on another ---------------------
cpus=()
IFS=, read -ra ranges <<<"$(awk '/^Cpus_allowed_list/ {print $2}' /proc/self/status)"
for r in "${ranges[@]}"; do
  if [[ "$r" == *-* ]]; then for ((c = ${r%-*}; c <= ${r#*-}; c++)); do cpus+=("$c"); done; else cpus+=("$r"); fi
done
if ((${#cpus[@]} >= 2)) && command -v taskset >/dev/null; then
  CLIENT_PIN=(taskset -c "${cpus[0]}")
  SERVER_PIN=(taskset -c "${cpus[1]}")
  PLACEMENT="wrk on CPU ${cpus[0]}, server on CPU ${cpus[1]}"
else
  CLIENT_PIN=()
  SERVER_PIN=()
  PLACEMENT="unpinned (fewer than 2 CPUs or no taskset): numbers are less meaningful"
fi

# --- csmsd ---------------------------------------------------------------------------------------
# start_csmsd LABEL ARGS...: csmsd alone on the server CPU, no access log, room for 50 events
# (default quota 30); sets CSMSD_PID, CSMSD_URL, TOKEN and the request paths, and creates the
# events bench-event-00 … bench-event-49 through the API.
start_csmsd() {
  local label=$1
  shift
  "${SERVER_PIN[@]}" "$CSMSD" "$@" --no-access-log --event-quota 100 --listen 127.0.0.1:0 \
    --port-file "$TMP/csmsd-$label.port" </dev/null >"$TMP/csmsd-$label.log" 2>&1 &
  CSMSD_PID=$!
  PIDS+=("$CSMSD_PID")
  for _ in $(seq 100); do
    [[ -s "$TMP/csmsd-$label.port" ]] && break
    kill -0 "$CSMSD_PID" 2>/dev/null || { cat "$TMP/csmsd-$label.log" >&2; die "csmsd ($label) exited at startup"; }
    sleep 0.1
  done
  [[ -s "$TMP/csmsd-$label.port" ]] || die "csmsd ($label) did not write its port file"
  CSMSD_URL="http://127.0.0.1:$(tr -d '[:space:]' <"$TMP/csmsd-$label.port")"
  local password=admin data
  PROJECT=0123456789abcdef0123456789abcdef
  data=$(awk '{for (i = 1; i < NF; i++) if ($i == "--data-dir") print $(i + 1)}' <<<"$*")
  if [[ -n "$data" ]]; then  # a real data dir: the generated admin and project (initial-credentials)
    PROJECT=$(awk -F= '$1 == "project_id" {print $2}' "$data/initial-credentials")
    password=$(awk -F= '$1 == "password" {print $2}' "$data/initial-credentials")
  fi
  EVENTS_PATH=/v1/$PROJECT/csms/events
  LIST_TARGET="$EVENTS_PATH?limit=50"
  SHOW_TARGET="$EVENTS_PATH/bench-event-07"
  TOKEN=$(curl -sS -o /dev/null -D - -H 'Content-Type: application/json' -X POST "$CSMSD_URL/v3/auth/tokens" \
    -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"'"$password"'","domain":{"name":"csms"}}}},"scope":{"project":{"id":"'"$PROJECT"'"}}}}' |
    awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r')
  [[ -n "$TOKEN" ]] || die "could not get a token from csmsd ($label)"
  local i code
  for i in $(seq -w 0 49); do
    code=$(curl -sS -o "$TMP/create.out" -w '%{http_code}' -X POST "$CSMSD_URL$EVENTS_PATH" \
      -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' \
      -d '{"name":"bench-event-'"$i"'","event_types":["SECRET_VERSION_CREATED","SECRET_VERSION_EXPIRED","SECRET_DELETED"],"state":"ENABLED","notification":{"target_type":"SMN","target_id":"urn:smn:cn-north-4:'"$PROJECT"':bench-topic","target_name":"bench-topic"}}')
    [[ "$code" == 200 ]] || { cat "$TMP/create.out" >&2; die "creating bench-event-$i returned HTTP $code"; }
  done
}
stop_csmsd() {
  kill "$CSMSD_PID" 2>/dev/null || true
  wait "$CSMSD_PID" 2>/dev/null || true
}

fetch() {  # fetch URL FILE: the body, failing on anything but 200
  local code
  code=$(curl -sS -o "$2" -w '%{http_code}' -H "X-Auth-Token: $TOKEN" "$1")
  [[ "$code" == 200 ]] || { cat "$2" >&2; die "GET $1 returned HTTP $code"; }
}

# --- nginx: one worker, same keep-alive behaviour as csmsd (no per-connection request cap) --------
temp_paths=""
nginx_v=$("$NGINX" -V 2>&1)
for m in client_body proxy fastcgi uwsgi scgi; do
  [[ "$m" == client_body ]] || [[ "$nginx_v" != *"--without-http_${m}_module"* ]] || continue
  mkdir -p "$TMP/nginx/$m"
  temp_paths+="  ${m}_temp_path $TMP/nginx/$m;"$'\n'
done
user_line=""
if [[ $(id -u) -eq 0 ]]; then user_line="user root;"; fi  # the worker must read files in our 0700 temp dir
mkdir -p "$TMP/nginx" "$TMP/www"
NGINX_PORT=0
# The configuration for the current csmsd's paths (the project differs with a data dir).
write_nginx_conf() {
  cat >"$TMP/nginx/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
$temp_paths
  keepalive_timeout 60s;
  keepalive_requests 1000000000;
  tcp_nodelay on;
  server_tokens off;
  etag off;
  types { }
  default_type "$CONTENT_TYPE";
  server {
    listen 127.0.0.1:$NGINX_PORT;
    # csmsd answers with an X-Request-Id header; nginx sends one too so both responses weigh the same.
    add_header X-Request-Id \$request_id always;
    location = $EVENTS_PATH { alias $TMP/www/list.json; }
    location = $SHOW_TARGET { alias $TMP/www/show.json; }
  }
}
EOF
}
# Starts nginx (first call) or makes it reload the configuration for the current paths; returns
# once it serves them.
NGINX_URL=""
nginx_pid=
serve_with_nginx() {
  if [[ -n "$NGINX_URL" ]]; then
    write_nginx_conf
    "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" -s reload
    for _ in $(seq 100); do
      [[ "$(curl -s -o /dev/null -w '%{http_code}' "$NGINX_URL$SHOW_TARGET")" == 200 ]] && return 0
      sleep 0.1
    done
    die "nginx did not reload"
  fi
  # nginx cannot report a port it picked itself; find a free one now and retry on the rare clash.
  local attempt
  for attempt in 1 2 3 4 5; do
    NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
                 echo $((20000 + RANDOM % 20000)))
    write_nginx_conf
    "${SERVER_PIN[@]}" "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" \
      </dev/null >"$TMP/nginx/stdout.log" 2>&1 &
    nginx_pid=$!
    for _ in $(seq 50); do
      curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" 2>/dev/null && break
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$nginx_pid" 2>/dev/null; then
      PIDS+=("$nginx_pid")
      NGINX_URL="http://127.0.0.1:$NGINX_PORT"
      return 0
    fi
    wait "$nginx_pid" 2>/dev/null || true
  done
  cat "$TMP/nginx/error.log" "$TMP/nginx/stdout.log" >&2 2>/dev/null
  die "nginx did not start"
}

# Gives nginx csmsd's bodies and checks both servers send the very same bytes, or the comparison
# means nothing.
same_bytes_from_nginx() {
  fetch "$CSMSD_URL$LIST_TARGET" "$TMP/www/list.json"
  fetch "$CSMSD_URL$SHOW_TARGET" "$TMP/www/show.json"
  grep -q '"current_count":50' "$TMP/www/list.json" || die "the list response does not hold 50 events"
  serve_with_nginx
  local t ct
  for t in "$LIST_TARGET" "$SHOW_TARGET"; do
    fetch "$CSMSD_URL$t" "$TMP/csmsd.body"
    fetch "$NGINX_URL$t" "$TMP/nginx.body"
    cmp -s "$TMP/csmsd.body" "$TMP/nginx.body" || die "csmsd and nginx bodies differ for $t"
    ct=$(curl -sS -o /dev/null -w '%{content_type}' -H "X-Auth-Token: $TOKEN" "$NGINX_URL$t")
    [[ "$ct" == "$CONTENT_TYPE" ]] || die "nginx Content-Type for $t is '$ct'"
  done
}

# --- measure -------------------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
# server_ticks PID: user+system CPU ticks of a process and its direct children (nginx's worker).
server_ticks() {
  local total=0 p f
  for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    # Fields after the ")" closing the command name: utime and stime are the 12th and 13th.
    f=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}
# run_wrk URL SECONDS OUTFILE [SERVER_PID]: also appends "server_cpu_ticks: N" when given a pid.
run_wrk() {
  local before=0
  [[ -z "${4:-}" ]] || before=$(server_ticks "$4")
  "${CLIENT_PIN[@]}" wrk -t1 -c"$CONNECTIONS" -d"$2s" --latency -H "X-Auth-Token: $TOKEN" "$1" >"$3" 2>&1 </dev/null
  [[ -z "${4:-}" ]] || echo "server_cpu_ticks: $(($(server_ticks "$4") - before))" >>"$3"
  if grep -q 'Non-2xx\|Socket errors' "$3"; then cat "$3" >&2; die "wrk saw errors against $1"; fi
}
rps_of() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
pct_of() { awk -v p="$2%" '$1 == p {print $2; exit}' "$1"; }  # latency at percentile $2, as wrk prints it
# Server CPU microseconds per request, and the share of one core the server used.
cpu_us_of() { awk -v hz="$CLK_TCK" '/requests in/ {n = $1} /^server_cpu_ticks:/ {t = $2} END {printf "%.1f", t * 1e6 / hz / n}' "$1"; }
cpu_share_of() { awk -v hz="$CLK_TCK" -v d="$DURATION" '/^server_cpu_ticks:/ {printf "%.0f%%", $2 * 100 / hz / d}' "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

declare -A RESULT
# measure_variant LABEL: both scenarios, csmsd and nginx in alternating rounds, into RESULT[LABEL.…].
measure_variant() {
  local label=$1 sc name target sv server f r med
  local -a rates cpus_us
  local -A pid_of=([csmsd]=$CSMSD_PID [nginx]=$nginx_pid)
  local servers=("csmsd:$CSMSD_URL" "nginx:$NGINX_URL")
  for sc in "list:$LIST_TARGET" "show:$SHOW_TARGET"; do
    name=${sc%%:*}
    target=${sc#*:}
    for sv in "${servers[@]}"; do run_wrk "${sv#*:}$target" "$WARMUP" "$TMP/warmup.txt"; done
    for ((r = 1; r <= ROUNDS; r++)); do
      for sv in "${servers[@]}"; do
        server=${sv%%:*}
        f="$TMP/$label.$name.$server.$r.txt"
        run_wrk "${sv#*:}$target" "$DURATION" "$f" "${pid_of[$server]}"
        printf '  %-5s %-5s %-6s round %d: %10s req/s  %7s us CPU/req  server busy %s\n' "$label" "$name" "$server" \
          "$r" "$(rps_of "$f")" "$(cpu_us_of "$f")" "$(cpu_share_of "$f")"
      done
    done
    for sv in "${servers[@]}"; do
      server=${sv%%:*}
      rates=()
      cpus_us=()
      for ((r = 1; r <= ROUNDS; r++)); do
        rates+=("$(rps_of "$TMP/$label.$name.$server.$r.txt")")
        cpus_us+=("$(cpu_us_of "$TMP/$label.$name.$server.$r.txt")")
      done
      med=$(median "${rates[@]}")
      RESULT[$label.$name.$server]=$med
      RESULT[$label.$name.$server.cpu]=$(median "${cpus_us[@]}")
      # Latencies come from the round whose rate is the median.
      for ((r = 1; r <= ROUNDS; r++)); do
        f="$TMP/$label.$name.$server.$r.txt"
        if [[ "$(rps_of "$f")" == "$med" ]]; then
          RESULT[$label.$name.$server.p50]=$(pct_of "$f" 50)
          RESULT[$label.$name.$server.p99]=$(pct_of "$f" 99)
          RESULT[$label.$name.$server.busy]=$(cpu_share_of "$f")
          break
        fi
      done
    done
  done
}

# The csmsd configurations compared with nginx, each alone on the same one core. dev1 = --dev
# --threads 1 (one I/O thread: the figure of earlier runs); dev = --dev with the default threads;
# data = an on-disk data dir with the default threads.
read -ra VARIANTS <<<"${BENCH_VARIANTS:-dev1 dev data}"
declare -A VARIANT_ARGS=([dev1]="--dev --threads 1" [dev]="--dev" [data]="--data-dir $TMP/data")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: wrk -t1 -c$CONNECTIONS -d${DURATION}s x $ROUNDS alternating rounds; $PLACEMENT; load average $LOAD_BEFORE"
for v in "${VARIANTS[@]}"; do
  [[ -n "${VARIANT_ARGS[$v]:-}" ]] || die "unknown BENCH_VARIANTS entry '$v' (dev1, dev, data)"
  start_csmsd "$v" ${VARIANT_ARGS[$v]}
  same_bytes_from_nginx
  measure_variant "$v"
  stop_csmsd
done

mkdir -p "$OUT_DIR"
{
  echo "HTTP API: csmsd vs nginx serving byte-identical bodies from files"
  echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency, X-Auth-Token on every request; one core each, nginx one worker"
  echo "($PLACEMENT); median of $ROUNDS alternating rounds; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) CPUs; other work skews req/s, not CPU/req)"
  echo "list = GET …/csms/events?limit=50 ($(stat -c %s "$TMP/www/list.json") B body)"
  echo "show = GET …/csms/events/bench-event-07 ($(stat -c %s "$TMP/www/show.json") B body)"
  for v in "${VARIANTS[@]}"; do echo "csmsd $v: ${VARIANT_ARGS[$v]/$TMP/\$TMP}"; done
  echo
  printf '%-10s %11s %11s %6s %9s %9s %9s %9s %10s %10s %9s\n' scenario "csmsd req/s" "nginx req/s" ratio \
    "csmsd p50" "csmsd p99" "nginx p50" "nginx p99" "csmsd us/r" "nginx us/r" "cpu ratio"
  all_ok=1
  for v in "${VARIANTS[@]}"; do
    for name in list show; do
      c=${RESULT[$v.$name.csmsd]}
      n=${RESULT[$v.$name.nginx]}
      ratio=$(awk -v c="$c" -v n="$n" 'BEGIN {printf "%.2f", c / n}')
      cpu_ratio=$(awk -v c="${RESULT[$v.$name.csmsd.cpu]}" -v n="${RESULT[$v.$name.nginx.cpu]}" 'BEGIN {printf "%.2f", n / c}')
      awk -v r="$ratio" -v t="${TARGET_RATIO[$name]}" 'BEGIN {exit !(r >= t)}' || all_ok=0
      printf '%-10s %11.0f %11.0f %6s %9s %9s %9s %9s %10s %10s %9s\n' "$name $v" "$c" "$n" "$ratio" \
        "${RESULT[$v.$name.csmsd.p50]}" "${RESULT[$v.$name.csmsd.p99]}" "${RESULT[$v.$name.nginx.p50]}" \
        "${RESULT[$v.$name.nginx.p99]}" "${RESULT[$v.$name.csmsd.cpu]}" "${RESULT[$v.$name.nginx.cpu]}" "$cpu_ratio"
    done
  done
  echo
  echo "ratio = csmsd req/s / nginx req/s; cpu ratio = nginx CPU per request / csmsd CPU per request"
  for v in "${VARIANTS[@]}"; do
    echo "server busy (share of its core, median round), $v: list csmsd ${RESULT[$v.list.csmsd.busy]} nginx" \
      "${RESULT[$v.list.nginx.busy]}, show csmsd ${RESULT[$v.show.csmsd.busy]} nginx ${RESULT[$v.show.nginx.busy]}"
  done
  verdict="NOT MET"
  if ((all_ok)); then verdict=MET; fi
  echo "target: csmsd >= ${TARGET_RATIO[list]} x nginx req/s on list and >= ${TARGET_RATIO[show]} x on show, every variant: $verdict"
} | tee "$OUT_DIR/http.txt"

# --- secrets: the durable write path (fsync, creates, versions + outbox) and reads under writes ----
echo
# A failing part is reported and fails the run at the end, but does not stop the parts after it.
failed=()
bash "$BENCH_DIR/secrets.sh" "$BUILD" || failed+=("bench/secrets.sh (exit $?)")
# --- records: filtered notification-record pages at 60,000 and 600,000 records, on each engine -----
echo
bash "$BENCH_DIR/records.sh" "$BUILD" || failed+=("bench/records.sh (exit $?)")
echo
BENCH_RECORD_ENGINE=postgresql bash "$BENCH_DIR/records.sh" "$BUILD" ||
  failed+=("bench/records.sh on PostgreSQL (exit $?)")
# --- PostgreSQL: 1 and 3 replicas vs SQLite, delivery across replicas (its own server) -----------
echo
bash "$BENCH_DIR/postgres.sh" "$BUILD" || failed+=("bench/postgres.sh (exit $?)")

# --- Google Benchmark binaries ---------------------------------------------------------------------
if [[ "${BENCH_SKIP_MICRO:-0}" != 1 ]]; then
  shopt -s nullglob
  micro=("$BUILD"/bench_*)
  if ((${#micro[@]} == 0)); then
    echo
    echo "no Google Benchmark binaries ($BUILD/bench_*) in this build"
  fi
  for b in "${micro[@]}"; do
    [[ -x "$b" && -f "$b" ]] || continue
    [[ "$(basename "$b")" != bench_postgres_delivery_bench ]] || continue  # needs the server postgres.sh starts
    echo
    echo "== $(basename "$b")"
    "$b" --benchmark_min_time=0.5 </dev/null 2>&1 | tee "$OUT_DIR/$(basename "$b").txt" ||
      failed+=("$(basename "$b") (exit $?)")
  done
fi
if ((${#failed[@]} > 0)); then
  echo
  die "failed: ${failed[*]}"
fi
bash "$BENCH_DIR/startup.sh" "$BUILD"  # start-up time (exec -> first connect), median of several runs
