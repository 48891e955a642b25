#!/usr/bin/env python3
"""A csms rotation function for database credentials (template).

csmsd serves this file as ShowSecretFunctionTemplates (GET /v1/csms/function-templates); the one
line TEMPLATE_PARAMETERS below is filled in with the secret type, sub-type and engine asked for.
Python 3 standard library only.

What it does. It is an HTTP server implementing csms's rotation-function protocol: set its URL as
the secret's rotation_func_urn and RotateSecret (or automatic rotation) POSTs

    {"action": "rotate", "task_id", "project_id", "secret_id", "secret_name", "secret_type",
     "current_version_id", "attempt"}

(metadata only, never a value). The function makes a new random password (the `secrets` module),
changes the database account's password to it, and answers 200 with

    {"secret_string": "{\"username\": \"<account>\", \"password\": \"<new password>\"}"}

which csmsd stores as the new SYSCURRENT version. Any other answer fails the rotation task and
nothing is stored.

  SingleUser: every rotation changes the password of the one account (--username).
  MultiUser:  two accounts, <username> and <username>_clone; each rotation changes the one that
              does not hold SYSCURRENT (new version v<n+1>: odd n+1 -> <username>, even ->
              <username>_clone, as v1 is created with <username>), so clients still using the
              previous version keep working until the next rotation.

The database. By default (dry run) it changes nothing: it prints the statement it would run (the
password masked) and answers as if it had run it, which is how csms's tests run it. With --execute
it runs the statement through the engine's Python driver (mysql: pymysql, postgresql: psycopg2,
sqlserver: pyodbc; none ships with Python), connecting with CSMS_DB_HOST, CSMS_DB_PORT,
CSMS_DB_ADMIN_USER, CSMS_DB_ADMIN_PASSWORD and CSMS_DB_NAME; a missing driver or a failing
statement fails the rotation. The --execute path is not exercised by csms's test suite.

Usage:
    python3 db_rotation_function.py [--listen 127.0.0.1:8000] [--username app_user]
                                    [--execute] [--port-file FILE]
"""

import argparse
import json
import os
import secrets
import string
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEMPLATE_PARAMETERS = {"secret_type": "RDS-FG", "secret_sub_type": "SingleUser", "engine": "mysql"}

# Characters that need no quoting in any of the three SQL dialects' string literals.
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!#$%&()*+,-.:;<=>?@[]^_{|}~"
PASSWORD_LENGTH = 32
MAX_BODY = 64 * 1024


def new_password():
    while True:
        pw = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        # One of each class, as database password policies usually demand.
        if (any(c.islower() for c in pw) and any(c.isupper() for c in pw) and any(c.isdigit() for c in pw)
                and any(c in string.punctuation for c in pw)):
            return pw


def engine():
    e = TEMPLATE_PARAMETERS.get("engine") or ""
    # TaurusDB (GaussDB-FG) speaks the MySQL protocol.
    return e if e else "mysql"


def account_for(version_id, username):
    if TEMPLATE_PARAMETERS["secret_sub_type"] != "MultiUser":
        return username
    try:
        current = int(version_id.lstrip("v"))
    except ValueError:
        current = 1
    return username if (current + 1) % 2 == 1 else username + "_clone"


def statement(account, password):
    e = engine()
    if e == "mysql":
        return "ALTER USER '%s'@'%%' IDENTIFIED BY '%s'" % (account, password)
    if e == "postgresql":
        return "ALTER ROLE \"%s\" WITH PASSWORD '%s'" % (account, password)
    if e == "sqlserver":
        return "ALTER LOGIN [%s] WITH PASSWORD = '%s'" % (account, password)
    raise ValueError("unknown engine " + e)


def execute(sql):
    env = os.environ
    e = engine()
    host, port = env.get("CSMS_DB_HOST", "127.0.0.1"), env.get("CSMS_DB_PORT")
    user, password, db = env.get("CSMS_DB_ADMIN_USER", ""), env.get("CSMS_DB_ADMIN_PASSWORD", ""), env.get("CSMS_DB_NAME")
    if e == "mysql":
        import pymysql  # noqa: the driver is optional
        conn = pymysql.connect(host=host, port=int(port or 3306), user=user, password=password, database=db)
    elif e == "postgresql":
        import psycopg2  # noqa
        conn = psycopg2.connect(host=host, port=int(port or 5432), user=user, password=password, dbname=db or "postgres")
    else:
        import pyodbc  # noqa
        conn = pyodbc.connect("DRIVER={ODBC Driver 18 for SQL Server};SERVER=%s,%s;UID=%s;PWD=%s;DATABASE=%s"
                              % (host, port or 1433, user, password, db or "master"))
    try:
        cur = conn.cursor()
        cur.execute(sql)
        conn.commit()
    finally:
        conn.close()


class Handler(BaseHTTPRequestHandler):
    options = None

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self.answer(413, {"error": "request too large"})
            req = json.loads(self.rfile.read(length))
            if not isinstance(req, dict) or req.get("action") != "rotate":
                return self.answer(400, {"error": "expected {\"action\": \"rotate\", ...}"})
            account = account_for(str(req.get("current_version_id", "v1")), self.options.username)
            password = new_password()
            sql = statement(account, password)
            masked = sql.replace(password, "********")
            if self.options.execute:
                execute(sql)
                print("ran on %s for %s: %s" % (engine(), req.get("secret_name"), masked), flush=True)
            else:
                print("dry run, would run on %s for %s: %s" % (engine(), req.get("secret_name"), masked), flush=True)
            value = json.dumps({"username": account, "password": password})
            return self.answer(200, {"secret_string": value})
        except Exception as e:  # the rotation fails; csmsd stores nothing
            return self.answer(500, {"error": str(e)})

    def log_message(self, fmt, *args):
        sys.stderr.write("rotation function: " + (fmt % args) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen", default="127.0.0.1:8000", help="HOST:PORT (port 0 = any free port)")
    p.add_argument("--username", default="app_user", help="the database account the secret holds")
    p.add_argument("--execute", action="store_true", help="run the statements (default: print them)")
    p.add_argument("--port-file", help="write the port listened on to this file once listening")
    options = p.parse_args()
    host, _, port = options.listen.rpartition(":")
    Handler.options = options
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), Handler)
    print("rotation function %s listening on %s:%d" % (json.dumps(TEMPLATE_PARAMETERS), host, server.server_port),
          flush=True)
    if options.port_file:
        tmp = options.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(server.server_port))
        os.rename(tmp, options.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
