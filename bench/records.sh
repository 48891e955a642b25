#!/usr/bin/env bash
# make bench, part 3: filtered pages of notification records at 60,000 and 600,000 records.
#
# GET /v1/{project}/csms/notification-records?limit=50&<filters> for each filter a user pages by
# (secret name, event name, status, trigger type, their combinations, a time window, a deep page by
# marker): requests/s and p99 at 4 connections, token auth. Every page should cost O(limit) whatever
# the filters and the table size (store/sqlite/record_page.h), so the two sizes should answer alike.
#
# Seeding: the fastest honest way is to write the rows straight into the database file with the
# sqlite3 shell, while csmsd is stopped: csmsd first starts on a fresh data dir (creating the schema,
# its indexes included, and the project), stops, the rows go in with one INSERT ... SELECT over a
# recursive CTE (the indexes are maintained as for any insert), and csmsd starts again on the file.
# Seeding through the API would take minutes per 60,000 (one durable commit per notification).
# Rows, numbered n = 0, 1, ... (newest first, one second apart):
#   secret_name s(n mod 20); with h(k) = n * k mod 1000003 (a permutation, so the attributes are
#   spread independently): event_name ev(h(7919) mod 5), trigger_event_type by h(104729) mod 10
#   (7 ROTATED, 8 VERSION_EXPIRED, 9 DELETED, else VERSION_CREATED), status by h(1299709) mod 100
#   (85 % SUCCESS, 8 % FAIL, 3 % INVALID, 4 % PENDING). The 600,000 are the 60,000 plus 540,000 older ones,
#   so the newest pages hold the same rows at both sizes.
# csmsd runs with --sqlite-sync normal (reads do not fsync), --no-delivery (PENDING rows stay so) and
# --scheduler-interval-ms 0, default threads, unpinned.
#
# Usage: bench/records.sh [BUILD_DIR]       (default: build)
# Knobs (environment): BENCH_RECORD_DURATION (s per filter and size, default 3),
#   BENCH_RECORD_SIZES (default "60000 600000"), BENCH_RECORD_KEEP_DIR (move the seeded data dir
#   there at the end, e.g. to look at query plans with the sqlite3 shell), BENCH_RECORD_ENGINE
#   (sqlite, the default, or postgresql: csmsd on a PostgreSQL it starts in a temp dir with
#   scripts/test-postgres.sh, the same rows seeded with psql and then ANALYZEd, as autovacuum
#   would; the table goes to bench/out/records-postgresql.txt).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
CSMSD="$BUILD/csmsd"
DURATION=${BENCH_RECORD_DURATION:-3}
read -ra SIZES <<<"${BENCH_RECORD_SIZES:-60000 600000}"
OUT_DIR="$BENCH_DIR/out"

die() { echo "bench/records: $*" >&2; exit 1; }
[[ -x "$CSMSD" ]] || die "$CSMSD not found: build first (make build)"
command -v wrk >/dev/null || die "wrk not found: run scripts/install-deps.sh --bench"
ENGINE=${BENCH_RECORD_ENGINE:-sqlite}
case "$ENGINE" in
  sqlite) command -v sqlite3 >/dev/null || die "sqlite3 not found: run scripts/install-deps.sh" ;;
  postgresql) command -v psql >/dev/null || die "psql not found: run scripts/install-deps.sh" ;;
  *) die "BENCH_RECORD_ENGINE must be sqlite or postgresql" ;;
esac
SCRIPTS_DIR=$(cd "$BENCH_DIR/../scripts" && pwd)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/csms-bench-records.XXXXXX")
PID=""
stop_csmsd() {
  [[ -z "$PID" ]] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  PID=""
}
cleanup() {
  stop_csmsd
  if [[ -n "${BENCH_RECORD_KEEP_DIR:-}" && -d "$TMP/data" ]]; then
    rm -rf "$BENCH_RECORD_KEEP_DIR" && mv "$TMP/data" "$BENCH_RECORD_KEEP_DIR" && echo "data dir kept in $BENCH_RECORD_KEEP_DIR"
  fi
  [[ "$ENGINE" != postgresql ]] || bash "$SCRIPTS_DIR/test-postgres.sh" stop "$TMP/pg" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATA="$TMP/data"
URL=""
ENGINE_ARGS=(--sqlite-sync normal)
if [[ "$ENGINE" == postgresql ]]; then
  chmod 755 "$TMP"
  bash "$SCRIPTS_DIR/test-postgres.sh" start "$TMP/pg" >/dev/null || die "could not start PostgreSQL"
  PG_URL="postgresql://$(cat "$TMP/pg/user")@$(cat "$TMP/pg/host"):$(cat "$TMP/pg/port")"
  export PGPASSWORD
  PGPASSWORD=$(cat "$TMP/pg/password")
  psql -XAtq "$PG_URL/postgres" -c "CREATE DATABASE records" >/dev/null || die "could not create the database"
  ENGINE_ARGS=(--database "$PG_URL/records" --database-password-file "$TMP/pg/password")
fi
start_csmsd() {
  rm -f "$TMP/port"
  "$CSMSD" --data-dir "$DATA" --no-access-log "${ENGINE_ARGS[@]}" --no-delivery --scheduler-interval-ms 0 \
    --listen 127.0.0.1:0 --port-file "$TMP/port" </dev/null >>"$TMP/csmsd.log" 2>&1 &
  PID=$!
  for _ in $(seq 300); do
    [[ -s "$TMP/port" ]] && break
    kill -0 "$PID" 2>/dev/null || { cat "$TMP/csmsd.log" >&2; die "csmsd exited at startup"; }
    sleep 0.1
  done
  [[ -s "$TMP/port" ]] || die "csmsd did not write its port file"
  URL="http://127.0.0.1:$(tr -d '[:space:]' <"$TMP/port")"
}

start_csmsd
stop_csmsd
PROJECT=$(awk -F= '$1 == "project_id" {print $2}' "$DATA/initial-credentials")
PASSWORD=$(awk -F= '$1 == "password" {print $2}' "$DATA/initial-credentials")
[[ -n "$PROJECT" ]] || die "no project id in $DATA/initial-credentials"
T0=$(($(date +%s) * 1000))  # the newest record's create_time

# seed FROM TO: rows n in [FROM, TO).
seed() {
  if [[ "$ENGINE" == postgresql ]]; then seed_postgresql "$@"; else seed_sqlite "$@"; fi
}

seed_sqlite() {
  sqlite3 "$DATA/csms.db" <<SQL
.bail on
PRAGMA cache_size = -262144;
BEGIN;
WITH RECURSIVE i(n) AS (SELECT $1 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < $2)
INSERT INTO notifications (id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type,
  target_type, target_id, target_name, content, status, secret_id, sequence, next_attempt_at, final_time)
SELECT printf('%08x-0000-4000-8000-%012x', n, n), '$PROJECT', 'ev' || ((n * 7919) % 1000003 % 5),
  CASE (n * 104729) % 1000003 % 10 WHEN 7 THEN 'SECRET_ROTATED' WHEN 8 THEN 'SECRET_VERSION_EXPIRED'
    WHEN 9 THEN 'SECRET_DELETED' ELSE 'SECRET_VERSION_CREATED' END,
  $T0 - n * 1000, 's' || (n % 20), 'COMMON', 'SMN', 'urn:smn:cn-north-4:$PROJECT:bench-topic', 'bench-topic',
  printf('{"eventName":"ev%d","eventType":"SECRET_VERSION_CREATED","eventTime":"2026-01-01T00:00:00Z",'
    || '"data":{"secretName":"s%d","secretId":"secret-id-%d","versionId":"v%d","sequence":%d}}',
    (n * 7919) % 1000003 % 5, n % 20, n % 20, n / 20 + 1, n / 20 + 1),
  s.status, 'secret-id-' || (n % 20), n / 20 + 1,
  CASE s.status WHEN 'PENDING' THEN $T0 + 3600000 END,
  CASE WHEN s.status <> 'PENDING' THEN $T0 - n * 1000 + 500 END
FROM i
  JOIN (SELECT 0 AS lo, 85 AS hi, 'SUCCESS' AS status UNION ALL SELECT 85, 93, 'FAIL'
        UNION ALL SELECT 93, 96, 'INVALID' UNION ALL SELECT 96, 100, 'PENDING') AS s
  ON (n * 1299709) % 1000003 % 100 >= s.lo AND (n * 1299709) % 1000003 % 100 < s.hi;
COMMIT;
SQL
}

# The same rows on PostgreSQL, then ANALYZE (statistics, as autovacuum would gather).
seed_postgresql() {
  psql -XAtq -v ON_ERROR_STOP=1 "$PG_URL/records" >/dev/null <<SQL
INSERT INTO notifications (id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type,
  target_type, target_id, target_name, content, status, secret_id, sequence, next_attempt_at, final_time)
SELECT lpad(to_hex(n), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'), '$PROJECT',
  'ev' || ((n * 7919) % 1000003 % 5),
  CASE (n * 104729) % 1000003 % 10 WHEN 7 THEN 'SECRET_ROTATED' WHEN 8 THEN 'SECRET_VERSION_EXPIRED'
    WHEN 9 THEN 'SECRET_DELETED' ELSE 'SECRET_VERSION_CREATED' END,
  $T0 - n * 1000, 's' || (n % 20), 'COMMON', 'SMN', 'urn:smn:cn-north-4:$PROJECT:bench-topic', 'bench-topic',
  format('{"eventName":"ev%s","eventType":"SECRET_VERSION_CREATED","eventTime":"2026-01-01T00:00:00Z",'
    || '"data":{"secretName":"s%s","secretId":"secret-id-%s","versionId":"v%s","sequence":%s}}',
    (n * 7919) % 1000003 % 5, n % 20, n % 20, n / 20 + 1, n / 20 + 1),
  s.status, 'secret-id-' || (n % 20), n / 20 + 1,
  CASE s.status WHEN 'PENDING' THEN $T0 + 3600000 END,
  CASE WHEN s.status <> 'PENDING' THEN $T0 - n * 1000 + 500 END
FROM generate_series($1::bigint, $2::bigint - 1) AS n
  JOIN (VALUES (0, 85, 'SUCCESS'), (85, 93, 'FAIL'), (93, 96, 'INVALID'), (96, 100, 'PENDING')) AS s (lo, hi, status)
  ON (n * 1299709) % 1000003 % 100 >= s.lo AND (n * 1299709) % 1000003 % 100 < s.hi;
ANALYZE notifications;
SQL
}

# label|query (after limit=50&); MARKER is replaced by a 13-digit time 90 % deep into the table.
FILTERS=(
  "no filter (the final statuses)|"
  "status=PENDING|notification_status=PENDING"
  "status=FAIL|notification_status=FAIL"
  "secret|secret_name=s7"
  "secret + status=PENDING|secret_name=s7&notification_status=PENDING"
  "secret + status=FAIL|secret_name=s7&notification_status=FAIL"
  "event|event_name=ev3"
  "event + status=FAIL|event_name=ev3&notification_status=FAIL"
  "type=SECRET_DELETED|trigger_event_type=SECRET_DELETED"
  "type + status=FAIL|trigger_event_type=SECRET_DELETED&notification_status=FAIL"
  "secret + event|secret_name=s7&event_name=ev3"
  "secret + type|secret_name=s7&trigger_event_type=SECRET_DELETED"
  "event + type|event_name=ev3&trigger_event_type=SECRET_DELETED"
  "secret + event + type|secret_name=s7&event_name=ev3&trigger_event_type=SECRET_DELETED"
  "secret + event + type + status=FAIL|secret_name=s7&event_name=ev3&trigger_event_type=SECRET_DELETED&notification_status=FAIL"
  "secret + 1-hour window, mid-table|secret_name=s7&start_time=WSTART&end_time=WEND"
  "secret, 13-digit marker 90 % deep|secret_name=s7&marker=MARKER"
)

declare -A RPS P99 ROWS ERR SEED_S
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
seeded=0
for size in "${SIZES[@]}"; do
  started=$(date +%s.%N)
  seed "$seeded" "$size" || die "seeding to $size records failed"
  SEED_S[$size]=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  seeded=$size
  start_csmsd
  TOKEN=$(curl -sS -o /dev/null -D - -H 'Content-Type: application/json' -X POST "$URL/v3/auth/tokens" \
    -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"'"$PASSWORD"'","domain":{"name":"csms"}}}},"scope":{"project":{"id":"'"$PROJECT"'"}}}}' |
    awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r')
  [[ -n "$TOKEN" ]] || die "no token from csmsd"
  for f in "${FILTERS[@]}"; do
    label=${f%%|*}
    query=${f#*|}
    query=${query//MARKER/$((T0 - size * 9 / 10 * 1000))}
    query=${query//WSTART/$((T0 - size / 2 * 1000))}
    query=${query//WEND/$((T0 - size / 2 * 1000 + 3600 * 1000))}
    target="$URL/v1/$PROJECT/csms/notification-records?limit=50${query:+&$query}"
    code=$(curl -sS -o "$TMP/page.json" -w '%{http_code}' -H "X-Auth-Token: $TOKEN" "$target")
    [[ "$code" == 200 ]] || { cat "$TMP/page.json" >&2; die "GET $target returned $code"; }
    ROWS[$label.$size]=$({ grep -o '"record_id"' "$TMP/page.json" || true; } | wc -l)
    wrk -t1 -c4 -d"${DURATION}s" --latency -H "X-Auth-Token: $TOKEN" "$target" >"$TMP/wrk.txt" 2>&1 </dev/null
    RPS[$label.$size]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$TMP/wrk.txt")
    P99[$label.$size]=$(awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
      f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.2f", v * f; exit}' "$TMP/wrk.txt")
    ERR[$label.$size]=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$TMP/wrk.txt")
  done
  stop_csmsd
done

mkdir -p "$OUT_DIR"
OUT_FILE="$OUT_DIR/records.txt"
SETUP="csmsd --data-dir, --sqlite-sync normal"
SEEDER="sqlite3 shell"
if [[ "$ENGINE" == postgresql ]]; then
  OUT_FILE="$OUT_DIR/records-postgresql.txt"
  SETUP="csmsd on PostgreSQL $(psql -XAtq "$PG_URL/records" -c 'SHOW server_version'), same machine"
  SEEDER="psql, then ANALYZE"
fi
{
  echo "Filtered notification-record pages (limit=50): wrk -t1 -c4 -d${DURATION}s, token auth; $SETUP,"
  echo "--no-delivery, default threads, unpinned; $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs"
  echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  for size in "${SIZES[@]}"; do echo "seeding up to $size records took ${SEED_S[$size]} s ($SEEDER, csmsd stopped)"; done
  echo
  header=$(printf '%-40s' "filter")
  for size in "${SIZES[@]}"; do header+=$(printf ' %9s %8s %5s' "req/s@$size" "p99 ms" "rows"); done
  echo "$header"
  for f in "${FILTERS[@]}"; do
    label=${f%%|*}
    line=$(printf '%-40s' "$label")
    for size in "${SIZES[@]}"; do
      line+=$(printf ' %9s %8s %5s' "${RPS[$label.$size]}" "${P99[$label.$size]}" "${ROWS[$label.$size]}")
      [[ "${ERR[$label.$size]}" == 0 ]] || line+=" (${ERR[$label.$size]} errors)"
    done
    echo "$line"
  done
  echo "(rows = records on the page; fewer than 50 when the filter selects fewer in the whole table)"
} | tee "$OUT_FILE"
