// PostgreSQL passwords through libpq: a fresh connection per call, the new password sent as a
// SCRAM verifier (PQencryptPasswordConn), the role name escaped by PQescapeIdentifier.
#include <libpq-fe.h>

#include <cstring>
#include <memory>
#include <string>

#include "common/module_abi.h"
#include "common/module_loader.h"
#include "common/utf8.h"
#include "rotation/sql_database_accounts.h"

namespace csms::rotation {
namespace {

struct PgFinish {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, PgFinish>;

// libpq's message, without the password (libpq never prints it, but be sure) and on one line.
Status PgError(const DbEndpoint& at, const std::string& what, const char* message, const std::string& password) {
  std::string m = message ? message : "";
  for (size_t p = m.find(password); !password.empty() && p != std::string::npos; p = m.find(password)) {
    m.replace(p, password.size(), "***");
  }
  for (char& c : m) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return Status::Failure(Status::Kind::kUnavailable, "postgresql " + at.host + ":" + std::to_string(at.port) + " " +
                                                         what + ": " + std::string(utf8::Truncate(m, 300)));
}

Status Connect(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const std::string& user,
               const std::string& password, PgConn* out) {
  std::string port = std::to_string(at.port), timeout = std::to_string(o.connect_timeout_s);
  std::string options = "-c statement_timeout=" + std::to_string(o.statement_timeout_s * 1000);
  std::string dbname = at.dbname.empty() ? "postgres" : at.dbname;
  std::string sslmode = at.tls_mode.empty() ? "disable" : at.tls_mode;
  const char* keys[] = {
      "host",        "port", "user", "password", "dbname", "connect_timeout", "sslmode", "options", "application_name",
      "sslrootcert", nullptr};
  const char* values[] = {at.host.c_str(),  port.c_str(),
                          user.c_str(),     password.c_str(),
                          dbname.c_str(),   timeout.c_str(),
                          sslmode.c_str(),  options.c_str(),
                          "csmsd-rotation", at.ca_file.empty() ? nullptr : at.ca_file.c_str(),
                          nullptr};
  if (at.ca_file.empty()) keys[9] = nullptr;  // end the list before sslrootcert
  out->reset(PQconnectdbParams(keys, values, 0));
  if (!*out) return Status::Failure(Status::Kind::kUnavailable, "postgresql: out of memory");
  if (PQstatus(out->get()) != CONNECTION_OK) {
    return PgError(at, "login as " + user + " failed", PQerrorMessage(out->get()), password);
  }
  return Status::OK();
}

Status Exec(const DbEndpoint& at, PGconn* c, const std::string& sql, ExecStatusType expected, const char* what,
            const std::string& password) {
  PGresult* r = PQexec(c, sql.c_str());
  bool ok = r && PQresultStatus(r) == expected;
  std::string message = ok ? "" : (r ? PQresultErrorMessage(r) : PQerrorMessage(c));
  PQclear(r);
  return ok ? Status::OK() : PgError(at, what, message.c_str(), password);
}

}  // namespace

Status PostgresSetPassword(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& login,
                           const std::string& login_password, const DbAccount* target,
                           const std::string& new_password) {
  PgConn conn;
  CSMS_RETURN_IF_ERROR(Connect(at, o, login.username, login_password, &conn));
  const std::string& role = target ? target->username : login.username;
  char* verifier = PQencryptPasswordConn(conn.get(), new_password.c_str(), role.c_str(), nullptr);
  if (!verifier) return PgError(at, "hashing the new password failed", PQerrorMessage(conn.get()), login_password);
  char* literal = PQescapeLiteral(conn.get(), verifier, std::strlen(verifier));
  PQfreemem(verifier);
  if (!literal) return PgError(at, "escaping failed", PQerrorMessage(conn.get()), login_password);
  std::string sql;
  if (target) {
    char* ident = PQescapeIdentifier(conn.get(), role.c_str(), role.size());
    if (!ident) {
      PQfreemem(literal);
      return PgError(at, "escaping failed", PQerrorMessage(conn.get()), login_password);
    }
    sql = std::string("ALTER ROLE ") + ident + " PASSWORD " + literal;
    PQfreemem(ident);
  } else {
    sql = std::string("ALTER ROLE CURRENT_USER PASSWORD ") + literal;
  }
  PQfreemem(literal);
  return Exec(at, conn.get(), sql, PGRES_COMMAND_OK, ("changing the password of " + role + " failed").c_str(),
              login_password);
}

Status PostgresTestLogin(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& account,
                         const std::string& password) {
  PgConn conn;
  CSMS_RETURN_IF_ERROR(Connect(at, o, account.username, password, &conn));
  return Exec(at, conn.get(), "SELECT 1", PGRES_TUPLES_OK, "test query failed", password);
}

}  // namespace csms::rotation

// The module's entry point (common/module_loader.h).
extern "C" const csms::rotation::DatabaseClientModule* csms_postgres_accounts_module() {
  static const csms::rotation::DatabaseClientModule module{
      csms::kModuleAbiVersion, &csms::rotation::PostgresSetPassword, &csms::rotation::PostgresTestLogin};
  return &module;
}
