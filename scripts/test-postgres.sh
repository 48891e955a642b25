#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: `test-postgres.sh start DIR` runs initdb and
# pg_ctl in a fresh temporary directory, on a free loopback port, and writes what a test needs
# into DIR (url, host, port, user, password); `test-postgres.sh stop DIR` stops it and removes its
# files. CTest runs them as the setup and cleanup of the fixture `postgres` (CMakeLists.txt);
# tests/support/postgres.h reads DIR. No system service is used or touched.
#
# PostgreSQL refuses to run as root: as root (CI) the server runs as the `postgres` system user
# that Debian's postgresql package creates (or `csms-test`, created here, if it is missing).
# Password authentication (scram-sha-256) is on for TCP, so a wrong password really fails.
set -euo pipefail

cmd=${1:?usage: test-postgres.sh start|stop DIR}
dir=${2:?usage: test-postgres.sh start|stop DIR}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)}
[[ -x "$PG_BIN/initdb" ]] || { echo "test-postgres: no PostgreSQL server (apt install postgresql)" >&2; exit 1; }

as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$server_user" -- "$@"; else "$@"; fi
}

server_user=$(id -un)
if [[ $(id -u) -eq 0 ]]; then
  server_user=postgres
  if ! id "$server_user" > /dev/null 2>&1; then
    server_user=csms-test
    id "$server_user" > /dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$server_user"
  fi
fi

stop() {
  [[ -f "$dir/root" ]] || return 0
  local root
  root=$(cat "$dir/root")
  if [[ -d "$root/data" ]]; then
    as_server_user "$PG_BIN/pg_ctl" stop -D "$root/data" -m immediate -w > /dev/null 2>&1 || true
  fi
  rm -rf "$root"
  rm -f "$dir/root" "$dir/url" "$dir/host" "$dir/port" "$dir/user" "$dir/password"
}

case "$cmd" in
  stop)
    stop
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: test-postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac

stop  # a server left behind by an interrupted run
mkdir -p "$dir"
root=$(mktemp -d /tmp/csms-pg.XXXXXX)
echo "$root" > "$dir/root"
chmod 755 "$root"
password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
printf '%s' "$password" > "$root/pwfile"
mkdir -p "$root/data" "$root/socket"
if [[ $(id -u) -eq 0 ]]; then chown -R "$server_user" "$root"; fi

as_server_user "$PG_BIN/initdb" -D "$root/data" -U csms --pwfile="$root/pwfile" -E UTF8 --locale=C --no-sync \
  --auth-local=trust --auth-host=scram-sha-256 > "$root/initdb.log" 2>&1 ||
  { cat "$root/initdb.log" >&2; exit 1; }
rm -f "$root/pwfile"

# Durability of the test server itself is not under test (csmsd's is, against kill -9 of csmsd):
# fsync off keeps the suite fast. Many csmsd processes run at once, each with a pool.
# CSMS_TEST_POSTGRES_DURABLE=1 (bench/postgres.sh): fsync and synchronous commit on, as in production.
durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [[ "${CSMS_TEST_POSTGRES_DURABLE:-0}" == 1 ]]; then durability="-c fsync=on -c synchronous_commit=on"; fi
for attempt in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if as_server_user "$PG_BIN/pg_ctl" start -D "$root/data" -w -t 60 -l "$root/server.log" \
    -o "-p $port -k $root/socket -c listen_addresses=127.0.0.1 -c max_connections=500 -c shared_buffers=64MB $durability" \
    > /dev/null; then
    break
  fi
  port=""
done
[[ -n "$port" ]] || { cat "$root/server.log" >&2; exit 1; }

umask 077
printf '%s\n' "127.0.0.1" > "$dir/host"
printf '%s\n' "$port" > "$dir/port"
printf '%s\n' "csms" > "$dir/user"
printf '%s' "$password" > "$dir/password"
printf 'postgresql://csms@127.0.0.1:%s/postgres\n' "$port" > "$dir/url"
echo "test-postgres: PostgreSQL on 127.0.0.1:$port (files in $root)"
