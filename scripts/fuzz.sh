#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of fuzz/ with clang-14 in their own tree (build-fuzz,
# ASan + UBSan, only the sources the targets reach) and runs each for FUZZ_SECONDS, then prints
# the executions, executions per second and coverage of every target. Inputs that crash are kept
# in build-fuzz/artifacts/; new corpus entries grow build-fuzz/corpus/<target>/ (the seeds in
# fuzz/corpus/ are only read). Exits 1 when a target found a crash, a leak or a timeout.
#   usage: scripts/fuzz.sh            FUZZ_SECONDS=60 FUZZ_TARGETS="router query" FUZZ_DIR=build-fuzz
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_DIR=${FUZZ_DIR:-$ROOT/build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
JOBS=${JOBS:-$(nproc)}

if [[ ! -f $FUZZ_DIR/build.ninja ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$FUZZ_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCSMS_FUZZ=ON -DCSMS_BUILD_TESTS=OFF
fi
ninja -C "$FUZZ_DIR" -j "$JOBS"

targets=${FUZZ_TARGETS:-$(cd "$ROOT/fuzz" && ls ./*_fuzz.cc | sed -e 's|^\./||' -e 's|_fuzz\.cc$||')}
mkdir -p "$FUZZ_DIR/artifacts"
summary=()
failed=0
for t in $targets; do
  corpus=$FUZZ_DIR/corpus/$t
  mkdir -p "$corpus"
  dict=()
  [[ -f $ROOT/fuzz/dict/$t.dict ]] && dict=(-dict="$ROOT/fuzz/dict/$t.dict")
  log=$FUZZ_DIR/fuzz-$t.log
  echo "== $t: ${FUZZ_SECONDS}s"
  set +e
  "$FUZZ_DIR/fuzz/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$FUZZ_DIR/artifacts/$t-" "${dict[@]}" "$corpus" "$ROOT/fuzz/corpus/$t" > "$log" 2>&1
  rc=$?
  set -e
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" || true)
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log" || true)
  cov=$( (grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" || true) | tail -1)
  status=ok
  if ((rc != 0)); then
    status="FOUND (exit $rc, see $log and $FUZZ_DIR/artifacts/)"
    failed=1
  fi
  summary+=("$(printf '%-20s %12s execs %8s/s  %-22s %s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-}" "$status")")
done
echo
echo "target               executions      per s  coverage               result"
printf '%s\n' "${summary[@]}"
exit $failed
