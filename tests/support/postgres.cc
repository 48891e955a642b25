#include "support/postgres.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/random.h"

namespace csms::test {
namespace {

std::string ReadTrimmed(const std::string& path, bool* found) {
  std::ifstream in(path);
  *found = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string FixtureDir() {
  if (const char* dir = std::getenv("CSMS_TEST_POSTGRES_DIR"); dir != nullptr && *dir != '\0') return dir;
  return CSMS_TEST_POSTGRES_DIR;
}

// A libpq connection from keyword/value pairs (no URL parsing of our own, no password in a URL).
PGconn* Connect(const std::string& host, const std::string& port, const std::string& user, const std::string& password,
                const std::string& dbname) {
  const char* keys[] = {"host", "port", "user", "password", "dbname", "connect_timeout", nullptr};
  const char* values[] = {host.c_str(), port.c_str(), user.c_str(), password.c_str(), dbname.c_str(), "10", nullptr};
  return PQconnectdbParams(keys, values, 0);
}

std::string RunAll(PGconn* conn, const std::string& sql, std::string* first_value) {
  if (PQstatus(conn) != CONNECTION_OK) return PQerrorMessage(conn);
  if (!PQsendQuery(conn, sql.c_str())) return PQerrorMessage(conn);
  std::string error;
  while (PGresult* res = PQgetResult(conn)) {
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && error.empty()) error = PQresultErrorMessage(res);
    if (st == PGRES_TUPLES_OK && first_value != nullptr && PQntuples(res) > 0 && PQnfields(res) > 0) {
      *first_value = PQgetvalue(res, 0, 0);
    }
    PQclear(res);
  }
  return error;
}

}  // namespace

const PostgresTestServer* PostgresTestServer::Get(std::string* error) {
  static const PostgresTestServer* server = []() -> PostgresTestServer* {
    std::string dir = FixtureDir();
    bool found = false;
    auto* s = new PostgresTestServer;
    s->host = ReadTrimmed(dir + "/host", &found);
    if (!found) {
      delete s;
      return nullptr;
    }
    s->port = ReadTrimmed(dir + "/port", &found);
    s->user = ReadTrimmed(dir + "/user", &found);
    s->password = ReadTrimmed(dir + "/password", &found);
    s->password_file = dir + "/password";
    return s;
  }();
  if (server == nullptr && error != nullptr) {
    *error = "no test PostgreSQL in " + FixtureDir() +
             ": run the test through ctest (fixture `postgres`) or start one with scripts/test-postgres.sh start " +
             FixtureDir();
  }
  return server;
}

std::string PostgresTestServer::Url(const std::string& dbname) const {
  return "postgresql://" + user + "@" + host + ":" + port + "/" + dbname;
}

PostgresTestDatabase::PostgresTestDatabase() {
  std::string error;
  const PostgresTestServer* server = PostgresTestServer::Get(&error);
  if (server == nullptr) {
    ADD_FAILURE() << error;
    return;
  }
  static std::atomic<int> counter{0};
  name_ = "csms_t_" + crypto::HexEncode(crypto::RandomBytes(6)) + "_" + std::to_string(counter++);
  PGconn* conn = Connect(server->host, server->port, server->user, server->password, "postgres");
  std::string result = RunAll(conn, "CREATE DATABASE " + name_ + " TEMPLATE template0 ENCODING 'UTF8'", nullptr);
  PQfinish(conn);
  if (!result.empty()) {
    ADD_FAILURE() << "CREATE DATABASE " << name_ << ": " << result;
    return;
  }
  server_ = server;
}

PostgresTestDatabase::~PostgresTestDatabase() {
  if (server_ == nullptr) return;
  PGconn* conn = Connect(server_->host, server_->port, server_->user, server_->password, "postgres");
  std::string result = RunAll(conn, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", nullptr);
  PQfinish(conn);
  if (!result.empty()) ADD_FAILURE() << "DROP DATABASE " << name_ << ": " << result;
}

std::string PostgresTestDatabase::url() const { return server_ == nullptr ? "" : server_->Url(name_); }

std::string PostgresTestDatabase::Exec(const std::string& sql, std::string* first_value) const {
  if (server_ == nullptr) return "no test database";
  PGconn* conn = Connect(server_->host, server_->port, server_->user, server_->password, name_);
  std::string result = RunAll(conn, sql, first_value);
  PQfinish(conn);
  return result;
}

std::string TryPostgresLogin(const std::string& host, const std::string& port, const std::string& user,
                             const std::string& password, const std::string& dbname) {
  PGconn* conn = Connect(host, port, user, password, dbname);
  std::string result = RunAll(conn, "SELECT 1", nullptr);
  PQfinish(conn);
  return result;
}

}  // namespace csms::test
