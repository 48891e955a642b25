#!/usr/bin/env bash
# A throw-away MariaDB server for the tests (CTest fixture `mariadb`): no system service, no
# system files. `start DIR` runs mariadb-install-db and mariadbd on a free loopback port with their
# files in a fresh /tmp/csms-mdb.* directory (as the unprivileged `mysql` user when run as root,
# which may not be able to enter DIR) and writes DIR/env:
#   MARIADB_HOST=127.0.0.1 MARIADB_PORT=<port> MARIADB_ADMIN_USER=csms_admin MARIADB_ADMIN_PASSWORD=<random>
# (the admin may create databases and accounts, and grant). `stop DIR` stops it and removes DIR.
# Tests read DIR/env through tests/support/mariadb.h and make their own database and accounts.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
dir=$(realpath -m "$dir")

# The server's files live in $dir/files (a /tmp directory named there).
stop() {
  local files
  files=$(cat "$dir/files" 2>/dev/null || true)
  if [[ -n "$files" && -f "$files/mariadbd.pid" ]]; then
    pid=$(cat "$files/mariadbd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  if [[ -n "$files" && "$files" == /tmp/csms-mdb.* ]]; then
    rm -rf "$files"
  fi
}

case "$cmd" in
  stop)
    stop
    rm -rf "$dir"
    exit 0
    ;;
  start) ;;
  *)
    echo "unknown command $cmd" >&2
    exit 2
    ;;
esac

for tool in mariadb-install-db mariadbd mariadb; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || {
    echo "$tool not found: install mariadb-server (scripts/install-deps.sh)" >&2
    exit 1
  }
done
export PATH="$PATH:/usr/sbin"

stop  # a server left by an earlier run of the same build
rm -rf "$dir"
mkdir -p "$dir"
files=$(mktemp -d /tmp/csms-mdb.XXXXXX)
echo "$files" >"$dir/files"
mkdir -p "$files/data"
user_args=()
if [[ $(id -u) -eq 0 ]]; then
  chown -R mysql:mysql "$files"
  user_args=(--user=mysql)
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')

mariadb-install-db --no-defaults "${user_args[@]}" --datadir="$files/data" --auth-root-authentication-method=normal \
  --skip-test-db --skip-name-resolve >"$files/install.log" 2>&1 || {
  cat "$files/install.log" >&2
  exit 1
}

mariadbd --no-defaults "${user_args[@]}" --datadir="$files/data" --port="$port" --bind-address=127.0.0.1 \
  --socket="$files/mariadbd.sock" --pid-file="$files/mariadbd.pid" --skip-name-resolve --log-error="$files/error.log" \
  --innodb-buffer-pool-size=32M --innodb-log-file-size=16M --performance-schema=OFF --skip-log-bin \
  >/dev/null 2>&1 &

for _ in $(seq 1 300); do
  if mariadb --no-defaults --socket="$files/mariadbd.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
    break
  fi
  sleep 0.1
done
mariadb --no-defaults --socket="$files/mariadbd.sock" -uroot <<SQL || { cat "$files/error.log" >&2; exit 1; }
CREATE USER 'csms_admin'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'csms_admin'@'%' WITH GRANT OPTION;
SQL

cat >"$dir/env" <<ENV
MARIADB_HOST=127.0.0.1
MARIADB_PORT=$port
MARIADB_ADMIN_USER=csms_admin
MARIADB_ADMIN_PASSWORD=$password
MARIADB_PID_FILE=$files/mariadbd.pid
ENV
chmod 0644 "$dir/env"
echo "mariadb on 127.0.0.1:$port (files in $files)"
