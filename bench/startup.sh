#!/usr/bin/env bash
# Start-up time of csmsd, for a first start on an empty data dir, a restart on an existing one, and
# --dev: from exec to the first accepted TCP connection ("listen"), and to the first answered request
# (`GET /healthz` → 200, "answer": what a test suite waits for). Several runs each; prints the medians
# (and min/max) and the CPU csmsd used until listening. A CI suite starts csmsd hundreds of times:
# the target is <= 30 ms to listening.
# Then the start-up phases: the same starts again with --log-level debug, the median of each
# "start-up phase" line csmsd logs (common/startup_timeline.h), in milliseconds.
#
# Usage: bench/startup.sh [BUILD_DIR]   (default: build)
# Each case also prints csmsd's minor page faults to listening and what they cost at this machine's
# price of a fault (bench/fault_probe.cc, measured first): on a VM that shadows guest page tables a
# fault costs tens of µs, and they are most of the start-up.
# Knobs: STARTUP_RUNS (runs per case, default 11), STARTUP_TARGET_MS (default 30), STARTUP_PHASES=0
# (skip the phase table), STARTUP_COMPARE=/path/to/other/csmsd (also time that binary, runs
# alternating with this one in the same minutes: a before/after comparison on a shared machine).
# Wall-clock figures: on a loaded machine they grow with the load (the script prints uptime).
#
# Each start goes through bench/start_probe.cc (compiled here): posix_spawn, so no copy of this
# shell's address space is made before csmsd's exec (bash's `&` forks the shell first, which on
# this VM added 8-11 ms to every figure until decision 129), then connect() polled with 0.2 ms
# pauses (at most ~0.3 ms late, never a busy loop), then GET /healthz.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
CSMSD="$BUILD/csmsd"
RUNS=${STARTUP_RUNS:-11}
TARGET_MS=${STARTUP_TARGET_MS:-30}
PHASES=${STARTUP_PHASES:-1}
COMPARE=${STARTUP_COMPARE:-}
OUT_DIR="$BENCH_DIR/out"
[[ -x "$CSMSD" ]] || { echo "startup: $CSMSD not found: build first" >&2; exit 1; }
[[ -z "$COMPARE" || -x "$COMPARE" ]] || { echo "startup: STARTUP_COMPARE=$COMPARE is not executable" >&2; exit 1; }

TMP=$(mktemp -d /tmp/csms-startup.XXXXXX)
PID=
cleanup() {
  if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

EPHEMERAL_LOW=$(awk '{ print ($1 > 12000 ? $1 : 32768) }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
mkfifo "$TMP/probe.fifo"

# One start of BINARY ARGS... through bench/start_probe.cc (posix_spawn, connect() polled, then
# GET /healthz); prints "listen_us answer_us cpu_us faults"; then stops it. csmsd's stderr is kept
# in $TMP/log. The probe's line comes through a FIFO: this shell blocks in read, it does not poll.
one_start() {
  local bin=$1
  shift
  # A port below the ephemeral range: a connect() to a free port inside it can connect the socket
  # to itself (TCP simultaneous open), which then echoes the probe's own request.
  local port=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000))) line= probe listen_us answer_us faults
  "$TMP/start_probe" "$port" "$TMP/log" "$bin" --listen "127.0.0.1:$port" --no-access-log "$@" >"$TMP/probe.fifo" &
  probe=$!
  read -r -t 120 line <"$TMP/probe.fifo" || true  # the probe gives up first (60 s + 10 s)
  if [[ -z "$line" ]]; then
    wait "$probe" 2>/dev/null || true
    echo "startup: csmsd did not start (port $port):" >&2
    cat "$TMP/log" >&2
    return 1
  fi
  read -r PID listen_us answer_us faults <<<"$line"
  # CPU time csmsd used until listening, every thread's including those that ended (the crypto
  # warm-up, a first start's key derivation): csmsd's listening line says it ("after N ms (M ms of
  # CPU)"). Unlike the wall clock it does not grow with the machine's load.
  # An older binary without that figure: its live threads' scheduler time instead.
  local i cpu_us f v cpu_ns=0
  for f in /proc/"$PID"/task/*/schedstat; do
    read -r v _ <"$f" 2>/dev/null || v=0
    cpu_ns=$((cpu_ns + v))
  done
  for ((i = 0; i < 50; i++)); do
    grep -q ' ms of CPU)' "$TMP/log" && break
    sleep 0.02
  done
  cpu_us=$(sed -n 's/.*, after [0-9.]* ms (\([0-9.]*\) ms of CPU).*/\1/p' "$TMP/log" | head -1)
  if [[ -n "$cpu_us" ]]; then cpu_us=$(awk -v m="$cpu_us" 'BEGIN { printf "%d", m * 1000 }'); else cpu_us=$((cpu_ns / 1000)); fi
  kill "$PID"
  wait "$probe" 2>/dev/null || true  # the probe reaps csmsd
  PID=
  echo "$listen_us $answer_us $cpu_us ${faults:-0}"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Runs a case RUNS times for each binary (alternating when there are two); prints per binary the
# median, min and max time to listening, the median to the first answer and the median CPU (ms).
measure() {
  local name=$1 setup=$2
  shift 2
  local bins=("$CSMSD") b i t
  [[ -n "$COMPARE" ]] && bins+=("$COMPARE")
  declare -A listen answer cpu faults
  for ((i = 0; i < RUNS; i++)); do
    for b in "${!bins[@]}"; do
      if [[ -n "$setup" ]]; then eval "$setup"; fi
      t=$(one_start "${bins[$b]}" "$@") || return 1
      read -r l a c f <<<"$t"
      listen[$b]+="$l "
      answer[$b]+="$a "
      cpu[$b]+="$c "
      faults[$b]+="$f "
    done
  done
  for b in "${!bins[@]}"; do
    local label=$name
    [[ ${#bins[@]} -gt 1 ]] && label="$name [$([[ $b == 0 ]] && echo this || echo compare)]"
    local a c f
    a=$(tr ' ' '\n' <<<"${answer[$b]}" | grep . | median)
    c=$(tr ' ' '\n' <<<"${cpu[$b]}" | grep . | median)
    f=$(tr ' ' '\n' <<<"${faults[$b]}" | grep . | median)
    tr ' ' '\n' <<<"${listen[$b]}" | grep . | sort -n | awk -v name="$label" -v n="$RUNS" -v a="$a" -v cpu="$c" \
      -v f="$f" -v fus="$FAULT_US" '
      { v[NR] = $1 }
      END { printf "%-38s listen median %6.1f ms (min %.1f, max %.1f; %d runs), first answer %6.1f ms, CPU to listen %.1f ms, %d page faults (~%.1f ms)\n",
            name, v[int((n + 1) / 2)] / 1000, v[1] / 1000, v[NR] / 1000, n, a / 1000, cpu / 1000, f, f * fus / 1000 }'
  done
}

# The phases of one case: RUNS starts with --log-level debug; the medians of each phase's "us",
# "cpu_us" and "at_us" (text log lines `... start-up phase phase=NAME us=N at_us=N cpu_us=N`),
# in the order logged.
phases() {
  local name=$1 setup=$2
  shift 2
  local i
  : >"$TMP/phases"
  for ((i = 0; i < RUNS; i++)); do
    if [[ -n "$setup" ]]; then eval "$setup"; fi
    one_start "$CSMSD" --log-level debug "$@" >/dev/null || return 1
    grep -o 'start-up phase phase=[^ ]* us=[0-9]* at_us=[0-9]* cpu_us=[0-9]*' "$TMP/log" >>"$TMP/phases" || true
  done
  [[ -s "$TMP/phases" ]] || { echo "  (no start-up phase lines: an older csmsd)"; return 0; }
  echo "phases of $name (median of $RUNS, ms: wall time in the phase, main thread's CPU in it, since exec at its end):"
  awk '{ split($3, p, "="); split($4, u, "="); split($5, t, "="); split($6, c, "=");
         if (!(p[2] in seen)) { seen[p[2]] = ++n; order[n] = p[2] }
         k = p[2]; cnt[k]++; us[k, cnt[k]] = u[2]; at[k, cnt[k]] = t[2]; cpu[k, cnt[k]] = c[2] }
       function med(arr, k, m,   i, j, x, tmp) {
         for (i = 1; i <= m; i++) tmp[i] = arr[k, i]
         for (i = 2; i <= m; i++) { x = tmp[i]; for (j = i - 1; j >= 1 && tmp[j] > x; j--) tmp[j + 1] = tmp[j]; tmp[j + 1] = x }
         return tmp[int((m + 1) / 2)] }
       END { for (i = 1; i <= n; i++) { k = order[i]
               printf "  %-20s %7.2f wall %7.2f cpu   at %7.2f\n", k, med(us, k, cnt[k]) / 1000,
                      med(cpu, k, cnt[k]) / 1000, med(at, k, cnt[k]) / 1000 } }' \
    "$TMP/phases"
}

CXX=${CXX:-$(command -v c++ || command -v g++ || true)}
[[ -n "$CXX" ]] || { echo "startup: needs a C++ compiler for bench/start_probe.cc" >&2; exit 1; }
"$CXX" -O2 -std=c++17 -o "$TMP/start_probe" "$BENCH_DIR/start_probe.cc"

# What a page fault costs here (bench/fault_probe.cc): csmsd's start-up is mostly paid in them.
FAULT_US=0
FAULTS_LINE="page fault cost: not measured (bench/fault_probe.cc did not build)"
if "$CXX" -O2 -std=c++17 -o "$TMP/fault_probe" "$BENCH_DIR/fault_probe.cc"; then
  read -r anon_us file_us < <("$TMP/fault_probe" "$CSMSD")
  FAULT_US=$anon_us
  FAULTS_LINE="page fault cost on this machine (bench/fault_probe.cc): ${anon_us} us anonymous, ${file_us} us file-backed; \"(~N ms)\" = faults x ${anon_us} us"
fi

mkdir -p "$OUT_DIR"
{
  echo "== start-up: exec -> listening and -> first answer ($(nproc) CPUs; load:$(uptime | sed 's/.*load average://'))"
  echo "   $FAULTS_LINE"
  [[ -n "$COMPARE" ]] && echo "   this: $CSMSD; compare: $COMPARE (runs alternate)"
  measure "first start (empty data dir)" 'rm -rf "$TMP/data"' --data-dir "$TMP/data"
  measure "restart (existing data dir)" '' --data-dir "$TMP/data"
  measure "--dev" '' --dev
  if [[ "$PHASES" != 0 ]]; then
    phases "first start" 'rm -rf "$TMP/data"' --data-dir "$TMP/data"
    phases "restart" '' --data-dir "$TMP/data"
    phases "--dev" '' --dev
  fi
  echo "target: median <= $TARGET_MS ms to listening in every case (wall clock grows with the machine's load; CPU does not)"
  echo "   (load at the end:$(uptime | sed 's/.*load average://'))"
} | tee "$OUT_DIR/startup.txt"
