#!/usr/bin/env bash
# The Debian package of `make package`, checked as a user would meet it (CTest `package_check`):
# builds it with CPack from this build tree into a private directory, checks its control fields,
# runs lintian (no error, no warning), `systemd-analyze verify` and an offline security score on
# the unit, makes the csms user from its sysusers.d file in an empty root, unpacks it with dpkg-deb into a temporary root and runs the packaged csmsd with the
# packaged /etc/csms/csmsd.toml (data dir and ports overridden by flags, which win over the file)
# for a smoke test: /healthz, /readyz, a token and a secret round trip with the packaged csms,
# /metrics on both listeners, JSON log lines.
# Usage: tests/package/check.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/csms-package-check.XXXXXX)
csmsd_pid=""
cleanup() {
  if [[ -n "$csmsd_pid" ]]; then
    kill "$csmsd_pid" 2> /dev/null || true
    wait "$csmsd_pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "package_check: FAIL: $*" >&2
  if [[ -f "$work/csmsd.log" ]]; then
    echo "--- csmsd output:" >&2
    tail -n 30 "$work/csmsd.log" >&2
  fi
  exit 1
}
step() { echo "package_check: $*"; }

step "building the package (cpack)"
(cd "$build" && cpack -G DEB -B "$work/out" > "$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log" >&2
  fail "cpack failed"
}
debs=("$work"/out/csms_*.deb)
[[ ${#debs[@]} -eq 1 && -f "${debs[0]}" ]] || fail "expected one csms_*.deb, got: ${debs[*]}"
deb=${debs[0]}

step "control fields"
field() { dpkg-deb --field "$deb" "$1"; }
[[ "$(field Package)" == csms ]] || fail "Package: $(field Package)"
[[ "$(field Section)" == admin ]] || fail "Section: $(field Section)"
[[ "$(field Priority)" == optional ]] || fail "Priority: $(field Priority)"
[[ -n "$(field Maintainer)" ]] || fail "no Maintainer"
[[ -n "$(field Description)" ]] || fail "no Description"
# dpkg-shlibdeps found the libraries the binaries link; adduser is for the postinst; libicu is
# loaded at first use (common/unicode.cc), so named by hand.
for dep in libc6 libssl3 libsqlite3-0 adduser libicu; do
  [[ ",$(field Depends)," == *"$dep"* ]] || fail "Depends lacks $dep: $(field Depends)"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/csms/csmsd.toml ||
  fail "/etc/csms/csmsd.toml is not a conffile"

step "lintian"
# --fail-on error,warning: zero errors and zero warnings (overrides in packaging/deb/lintian-overrides).
if ! lintian --fail-on error,warning "$deb" > "$work/lintian.log" 2>&1; then
  cat "$work/lintian.log" >&2
  fail "lintian reported errors or warnings"
fi
if grep -E '^(E|W):' "$work/lintian.log"; then fail "lintian reported errors or warnings"; fi

step "unpacking"
root="$work/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/csmsd usr/bin/csms lib/systemd/system/csmsd.service etc/csms/csmsd.toml \
  usr/lib/sysusers.d/csms.conf usr/share/man/man8/csmsd.8.gz usr/share/man/man1/csms.1.gz \
  usr/share/bash-completion/completions/csms usr/share/doc/csms/copyright usr/share/doc/csms/changelog.Debian.gz; do
  [[ -e "$root/$f" ]] || fail "the package lacks /$f"
done
zcat "$root/usr/share/man/man8/csmsd.8.gz" | grep -qF -- 'data\-dir' || fail "csmsd(8) does not list --data-dir"
zcat "$root/usr/share/man/man1/csms.1.gz" | grep -q 'secrets' || fail "csms(1) does not list the secrets commands"
bash -c "source '$root/usr/share/bash-completion/completions/csms' && complete -p csms" > /dev/null ||
  fail "the bash completion does not register csms"

step "the csms user (sysusers.d) in an empty root"
mkdir -p "$work/sysroot/etc"
touch "$work/sysroot/etc/"{passwd,group,shadow,gshadow}
systemd-sysusers --root="$work/sysroot" "$root/usr/lib/sysusers.d/csms.conf" > /dev/null 2>&1 ||
  fail "systemd-sysusers refused usr/lib/sysusers.d/csms.conf"
grep -Eq '^csms:x:[0-9]+:[0-9]+:[^:]*:/var/lib/csms:/usr/sbin/nologin$' "$work/sysroot/etc/passwd" ||
  fail "sysusers.d did not make a system user csms: $(cat "$work/sysroot/etc/passwd")"
grep -q '^csms:' "$work/sysroot/etc/group" || fail "sysusers.d did not make a group csms"

step "systemd unit"
unit="$root/lib/systemd/system/csmsd.service"
for directive in User=csms StateDirectory=csms StateDirectoryMode=0700 ProtectSystem=strict ProtectHome=yes \
  NoNewPrivileges=yes PrivateTmp=yes Restart=on-failure 'ExecReload=/bin/kill -HUP $MAINPID' \
  'ExecStart=/usr/bin/csmsd --config /etc/csms/csmsd.toml'; do
  grep -qxF "$directive" "$unit" || fail "the unit lacks $directive"
done
# verify needs the unit's binary to exist: the same unit pointing at the unpacked one. MANPATH
# lets it check Documentation=man:… against the packaged man pages.
mkdir -p "$work/unit"
sed "s|/usr/bin/csmsd|$root/usr/bin/csmsd|" "$unit" > "$work/unit/csmsd.service"
if ! MANPATH="$root/usr/share/man" systemd-analyze verify "$work/unit/csmsd.service" > "$work/verify.log" 2>&1 ||
  [[ -s "$work/verify.log" ]]; then
  cat "$work/verify.log" >&2
  fail "systemd-analyze verify"
fi
# The hardening as systemd scores it (0 = locked down, 100 = exposed); 1.5 when written.
systemd-analyze security --offline=yes --threshold=25 "$work/unit/csmsd.service" > "$work/security.log" 2>&1 || {
  tail -n 5 "$work/security.log" >&2
  fail "systemd-analyze security: exposure above 2.5"
}

step "smoke test of the packaged csmsd with the packaged config"
config="$root/etc/csms/csmsd.toml"
grep -q '^log-format = "json"' "$config" || fail "the packaged config does not log JSON"
grep -q '^data-dir = "/var/lib/csms"' "$config" || fail "the packaged config's data dir is not /var/lib/csms"
grep -q '^listen = "127.0.0.1:' "$config" || fail "the packaged config does not listen on 127.0.0.1"
"$root/usr/bin/csmsd" --config "$config" --data-dir "$work/data" --listen 127.0.0.1:0 \
  --metrics-listen 127.0.0.1:0 --port-file "$work/port" > "$work/csmsd.log" 2>&1 &
csmsd_pid=$!
for _ in $(seq 1 300); do
  [[ -s "$work/port" ]] && break
  kill -0 "$csmsd_pid" 2> /dev/null || fail "csmsd exited"
  sleep 0.1
done
[[ -s "$work/port" ]] || fail "csmsd did not listen within 30 s"
port=$(cat "$work/port")
endpoint="http://127.0.0.1:$port"
# Every log line but the first start's credential notice is one JSON object; one of them says
# where the metrics listener bound.
metrics_port=$(python3 - "$work/csmsd.log" << 'PY'
import json, re, sys
port = None
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("csmsd: "):
        continue
    entry = json.loads(line)
    m = re.fullmatch(r"metrics listening on 127\.0\.0\.1:(\d+)", entry.get("msg", entry.get("message", "")))
    if m:
        port = m.group(1)
if port is None:
    sys.exit("no JSON log line names the metrics port")
print(port)
PY
) || fail "the log is not JSON lines or lacks the metrics listener"

curl -fsS "$endpoint/healthz" > /dev/null || fail "/healthz"
ready=""
for _ in $(seq 1 100); do
  if curl -fsS "$endpoint/readyz" > /dev/null 2>&1; then
    ready=yes
    break
  fi
  sleep 0.1
done
[[ -n "$ready" ]] || fail "/readyz did not answer 200 within 10 s"

creds="$work/data/initial-credentials"
[[ -f "$creds" ]] || fail "no initial-credentials"
[[ "$(stat -c %a "$work/data")" == 700 ]] || fail "the data dir is not 0700"
project_id=$(sed -n 's/^project_id=//p' "$creds")
password=$(sed -n 's/^password=//p' "$creds")
csms=("$root/usr/bin/csms" --config-dir "$work/cli" --endpoint "$endpoint" --project-id "$project_id")
export HOME="$work/home"
printf '%s\n' "$password" | "${csms[@]}" login --user admin --domain csms > /dev/null || fail "csms login"
printf 'packaged-value' | "${csms[@]}" secrets create smoke-secret > /dev/null || fail "csms secrets create"
value=$("${csms[@]}" secrets get-value smoke-secret) || fail "csms secrets get-value"
[[ "$value" == packaged-value ]] || fail "the secret came back as '$value'"
"${csms[@]}" --output json secrets list | grep -q '"name":"smoke-secret"' || fail "csms secrets list"

# `csmsd admin` accepts the packaged config too (its [admin] section), the data dir overridden.
"$root/usr/bin/csmsd" --config "$config" admin --data-dir "$work/data" list-projects --domain csms |
  grep -q "$project_id" || fail "csmsd --config $config admin list-projects"

for url in "$endpoint/metrics" "http://127.0.0.1:$metrics_port/metrics"; do
  curl -fsS "$url" > "$work/metrics" || fail "$url"
  grep -q '^csms_http_requests_total{' "$work/metrics" || fail "$url has no csms_http_requests_total"
done
grep -q 'route="/v1/{project_id}/secrets"' "$work/metrics" || fail "/metrics did not count the secret's creation"

kill "$csmsd_pid"
wait "$csmsd_pid" || fail "csmsd did not stop cleanly on SIGTERM"
csmsd_pid=""
step "ok ($(basename "$deb"))"
