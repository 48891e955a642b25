# Sourced by the Node-based suites (tests/sdk/run.sh, tests/console/run.sh): the shared steps.
# Bash; the caller has `set -euo pipefail`.

# node_suite_preflight NAME: exit 77 (CTest: skipped) when CSMS_SKIP_NODE_TESTS=1, fail when node
# or npm is missing (they are project dependencies: scripts/install-deps.sh installs them).
node_suite_preflight() {
  local name=$1
  if [[ "${CSMS_SKIP_NODE_TESTS:-}" == 1 ]]; then
    echo "$name: skipped: CSMS_SKIP_NODE_TESTS=1"
    exit 77
  fi
  for tool in node npm; do
    if ! command -v "$tool" > /dev/null; then
      echo "$name: $tool is missing: run scripts/install-deps.sh (make test does), or set CSMS_SKIP_NODE_TESTS=1" >&2
      exit 1
    fi
  done
}

# node_suite_install NAME DIR: `npm ci` in DIR when its package-lock.json changed since the last
# install, under a lock (several build trees may run the suite at once).
node_suite_install() {
  local name=$1 dir=$2
  local stamp="$dir/node_modules/.csms-lock-sha256"
  local want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  (
    flock 9
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
      echo "$name: installing the Node dependencies (npm ci)"
      if ! (cd "$dir" && npm ci --no-audit --no-fund 2>&1); then
        echo "$name: npm ci failed (its output is above)" >&2
        exit 1
      fi
      echo "$want" > "$stamp"
    fi
  ) 9> "$dir/.npm-install.lock"
}

# node_suite_start_csmsd NAME CSMSD WORK [ARGS...]: starts `csmsd --dev` on a free port with its
# log in WORK/csmsd.log; sets csmsd_pid and csmsd_port. node_suite_stop_csmsd stops it.
node_suite_start_csmsd() {
  local name=$1 csmsd=$2 work=$3
  shift 3
  # Port 0: the kernel picks a free port; csmsd writes it to the port file once it listens.
  "$csmsd" --dev --no-access-log --listen 127.0.0.1:0 --port-file "$work/port" "$@" > "$work/csmsd.log" 2>&1 &
  csmsd_pid=$!
  for _ in $(seq 200); do
    [[ -s "$work/port" ]] && break
    if ! kill -0 "$csmsd_pid" 2> /dev/null; then
      echo "$name: csmsd exited:" >&2
      cat "$work/csmsd.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  csmsd_port="$(cat "$work/port" 2> /dev/null || true)"
  if [[ -z "$csmsd_port" ]]; then
    echo "$name: csmsd did not start listening" >&2
    cat "$work/csmsd.log" >&2
    exit 1
  fi
}

node_suite_stop_csmsd() {
  if [[ -n "${csmsd_pid:-}" ]] && kill -0 "$csmsd_pid" 2> /dev/null; then
    kill -TERM "$csmsd_pid" 2> /dev/null || true
    for _ in $(seq 100); do kill -0 "$csmsd_pid" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$csmsd_pid" 2> /dev/null || true
    wait "$csmsd_pid" 2> /dev/null || true
  fi
}
