#!/usr/bin/env bash
# Start-up time of csmsd: from exec to the first successful TCP connect, for a first start on an
# empty data dir, a restart on an existing one, and --dev. Several runs each; prints the median
# (and min/max). A CI suite starts csmsd hundreds of times: the target is <= 30 ms.
#
# Usage: bench/startup.sh [BUILD_DIR]   (default: build)
# Knobs: STARTUP_RUNS (runs per case, default 11), STARTUP_TARGET_MS (default 30).
# Wall-clock figures: on a loaded machine they grow with the load (the script prints uptime).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
CSMSD="$BUILD/csmsd"
RUNS=${STARTUP_RUNS:-11}
TARGET_MS=${STARTUP_TARGET_MS:-30}
OUT_DIR="$BENCH_DIR/out"
[[ -x "$CSMSD" ]] || { echo "startup: $CSMSD not found: build first" >&2; exit 1; }
((BASH_VERSINFO[0] >= 5)) || { echo "startup: needs bash 5 (EPOCHREALTIME)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/csms-startup.XXXXXX)
PID=
cleanup() {
  if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
# A pause of 0.2 ms between connect attempts without forking sleep(1): a read that times out on
# a FIFO nobody writes to. The poll must not eat the CPU csmsd needs to start.
mkfifo "$TMP/pause"
exec 4<>"$TMP/pause"
pause() { read -r -t 0.0002 -u 4 _ || true; }

# One start: exec csmsd "$@", poll connect() without forking, print microseconds to the first
# accepted connection; then stop it.
one_start() {
  local port=$((20000 + RANDOM % 20000)) t0 t1
  t0=$(now_us)
  "$CSMSD" --listen "127.0.0.1:$port" --no-access-log "$@" >"$TMP/log" 2>&1 &
  PID=$!
  while :; do
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then break; fi
    if ! kill -0 "$PID" 2>/dev/null; then
      echo "startup: csmsd exited before listening (port $port):" >&2
      cat "$TMP/log" >&2
      return 1
    fi
    pause
  done
  t1=$(now_us)
  # CPU time csmsd used so far, every thread (ns, from the scheduler): unlike the wall clock it
  # does not grow with the machine's load.
  local cpu_ns=0 f v
  for f in /proc/"$PID"/task/*/schedstat; do
    read -r v _ <"$f" 2>/dev/null || v=0
    cpu_ns=$((cpu_ns + v))
  done
  exec 3<&- 3>&-
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=
  echo "$((t1 - t0)) $((cpu_ns / 1000))"
}

# Runs a case RUNS times; prints the median, min and max wall time and the median CPU time (ms).
measure() {
  local name=$1 setup=$2
  shift 2
  local walls=() cpus=() i t
  for ((i = 0; i < RUNS; i++)); do
    if [[ -n "$setup" ]]; then eval "$setup"; fi
    t=$(one_start "$@") || return 1
    walls+=("${t% *}")
    cpus+=("${t#* }")
  done
  local cpu
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk -v n="$RUNS" '{ v[NR] = $1 } END { print v[int((n + 1) / 2)] }')
  printf '%s\n' "${walls[@]}" | sort -n | awk -v name="$name" -v n="$RUNS" -v cpu="$cpu" '
    { v[NR] = $1 }
    END { printf "%-28s median %7.1f ms (min %.1f, max %.1f; %d runs), CPU to listen %.1f ms\n", name,
          v[int((n + 1) / 2)] / 1000, v[1] / 1000, v[NR] / 1000, n, cpu / 1000 }'
}

mkdir -p "$OUT_DIR"
{
  echo "== start-up: exec -> first accepted connection ($(nproc) CPUs; load:$(uptime | sed 's/.*load average://'))"
  measure "first start (empty data dir)" 'rm -rf "$TMP/data"' --data-dir "$TMP/data"
  measure "restart (existing data dir)" '' --data-dir "$TMP/data"
  measure "--dev" '' --dev
  echo "target: median <= $TARGET_MS ms in every case (wall clock grows with the machine's load; CPU does not)"
} | tee "$OUT_DIR/startup.txt"
