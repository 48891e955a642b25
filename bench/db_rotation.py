#!/usr/bin/env python3
"""Time of one database rotation (RotateSecret until its task is SUCCESS), per engine.

Usage: bench/db_rotation.py CSMSD ENGINE HOST PORT ADMIN_USER ADMIN_PASSWORD [N]
  ENGINE mysql|postgresql; the admin account must be able to create accounts (CREATE USER / CREATEROLE).
Starts `CSMSD --dev` on a free port, registers the instance (POST /csms-dev/db-instances), creates
an account and an RDS-FG SingleUser secret for it, rotates it N times (default 100) one after the
other and prints the median and p99 of the wall time from the RotateSecret call to the task's
SUCCESS as seen by polling ListSecretTask every 2 ms (so the figures include up to ~2 ms of polling).
bench/db_rotation.sh starts the MariaDB test server and runs this for mysql.
"""
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

PROJECT = "0123456789abcdef0123456789abcdef"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read() or b"{}")


def create_account(engine, host, port, admin, admin_pw, user, pw):
    if engine == "mysql":
        sql = f"CREATE USER '{user}'@'%' IDENTIFIED BY '{pw}'"
        subprocess.run(["mariadb", "--no-defaults", "-h", host, "-P", str(port), "-u", admin, f"-p{admin_pw}", "-e", sql],
                       check=True)
    else:
        env = dict(os.environ, PGPASSWORD=admin_pw)
        subprocess.run(["psql", "-h", host, "-p", str(port), "-U", admin, "-d", "postgres", "-c",
                        f"CREATE ROLE {user} LOGIN PASSWORD '{pw}'"], check=True, env=env)


def main():
    csmsd, engine, host, port, admin, admin_pw = sys.argv[1:7]
    n = int(sys.argv[7]) if len(sys.argv) > 7 else 100
    port = int(port)
    user = "bench_" + secrets.token_hex(4)
    pw = "Bench-" + secrets.token_hex(8)
    create_account(engine, host, port, admin, admin_pw, user, pw)

    http_port = free_port()
    tmp = tempfile.mkdtemp(prefix="csms-bench-")
    proc = subprocess.Popen([csmsd, "--dev", "--no-access-log", "--no-delivery", "--listen", f"127.0.0.1:{http_port}"],
                            stdout=open(os.path.join(tmp, "log"), "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        for _ in range(300):
            try:
                if call(base, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "password": "admin", "domain": {"name": "csms"}}}}, "scope": {"project": {"id": PROJECT}}}}
        status, headers, _ = call(base, "POST", "/v3/auth/tokens", auth)
        assert status == 201, status
        token = headers["X-Subject-Token"]
        assert call(base, "POST", "/v1/csms/agencies", {"secret_type": "RDS-FG"}, token)[0] == 200
        assert call(base, "POST", "/csms-dev/db-instances", {"project_id": PROJECT, "instance_id": "bench",
                                                              "engine": engine, "host": host, "port": port})[0] == 200
        value = {"engine": engine, "host": host, "port": port, "username": user, "password": pw}
        body = {"name": "bench", "secret_type": "RDS-FG", "secret_string": json.dumps(value),
                "rotation_config": json.dumps({"InstanceId": "bench", "SecretSubType": "SingleUser"})}
        status, _, answer = call(base, "POST", f"/v1/{PROJECT}/secrets", body, token)
        assert status == 200, answer
        times = []
        for _ in range(n):
            start = time.perf_counter()
            status, _, answer = call(base, "POST", f"/v1/{PROJECT}/secrets/bench/rotate", None, token)
            assert status == 200, answer
            task_id = answer["rotation_task_id"]
            while True:
                _, _, tasks = call(base, "GET", f"/v1/{PROJECT}/csms/tasks?task_id={task_id}", None, token)
                state = tasks["tasks"][0]["task_status"]
                if state != "RUNNING":
                    break
                time.sleep(0.002)
            assert state == "SUCCESS", tasks
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{engine}: {n} rotations, median {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, "
              f"min {times[0]:.1f} ms, max {times[-1]:.1f} ms")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
