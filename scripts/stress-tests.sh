#!/usr/bin/env bash
# Runs the whole suite N times in a row under CPU load (ctest -j8 while stress-ng keeps 2 cores
# busy), the way a flaky test is caught before it blocks a landing. Stops at the first failure.
#   usage: scripts/stress-tests.sh [BUILD_DIR] [RUNS]      (defaults: build 10)
set -euo pipefail
BUILD_DIR=${1:-build}
RUNS=${2:-10}
command -v stress-ng > /dev/null || "$(dirname "${BASH_SOURCE[0]}")/install-deps.sh" --stress
command -v stress-ng > /dev/null || { echo "stress-tests: stress-ng could not be installed" >&2; exit 2; }
stress-ng --cpu 2 --timeout 0 --quiet &
STRESS=$!
trap 'kill $STRESS 2> /dev/null || true' EXIT
for i in $(seq 1 "$RUNS"); do
  start=$(date +%s)
  if ! (cd "$BUILD_DIR" && ctest -j8 --timeout 300 --output-on-failure > "stress-run-$i.log" 2>&1); then
    echo "stress-tests: run $i FAILED (load $(cut -d' ' -f1 /proc/loadavg)); see $BUILD_DIR/stress-run-$i.log" >&2
    grep -E '^\s*[0-9]+ - |tests passed' "$BUILD_DIR/stress-run-$i.log" >&2 || true
    exit 1
  fi
  echo "stress-tests: run $i passed in $(($(date +%s) - start)) s, load $(cut -d' ' -f1 /proc/loadavg): $(grep 'tests passed' "$BUILD_DIR/stress-run-$i.log")"
done
