// PostgreSQL for the tests: the server that the CTest fixture `postgres` runs for a whole ctest
// run (scripts/test-postgres.sh, started once, password authentication on 127.0.0.1), and a fresh
// empty database on it per test. A test that needs it declares FIXTURES_REQUIRED postgres
// (CMakeLists.txt); run alone, start one with `scripts/test-postgres.sh start build/test-postgres`.
//
// To test an unreachable database, point at a port where nothing listens rather than stopping
// this server: other tests share it.
#pragma once

#include <string>

namespace csms::test {

// The running server, read from the fixture's directory (CSMS_TEST_POSTGRES_DIR overrides it).
struct PostgresTestServer {
  std::string host;
  std::string port;
  std::string user;  // a superuser
  std::string password;
  std::string password_file;  // holds `password` (for --database-password-file)

  // nullptr (with the reason in *error) when no server is running.
  static const PostgresTestServer* Get(std::string* error = nullptr);
  // postgresql://user@host:port/dbname (no password in it).
  std::string Url(const std::string& dbname) const;
};

// A database created for one test and dropped (with its connections) when the object goes away.
class PostgresTestDatabase {
 public:
  // Adds a test failure (and ok() is false) when no server is running.
  PostgresTestDatabase();
  ~PostgresTestDatabase();
  PostgresTestDatabase(const PostgresTestDatabase&) = delete;
  PostgresTestDatabase& operator=(const PostgresTestDatabase&) = delete;

  bool ok() const { return server_ != nullptr; }
  const std::string& name() const { return name_; }
  std::string url() const;  // of this database, without the password
  const PostgresTestServer& server() const { return *server_; }

  // Runs SQL statements on this database as the superuser. Returns "" on success, else the
  // server's error message. The last statement's first column of the first row, if any, goes to
  // *first_value.
  std::string Exec(const std::string& sql, std::string* first_value = nullptr) const;

 private:
  const PostgresTestServer* server_ = nullptr;
  std::string name_;
};

// Opens a connection with the given credentials and runs `SELECT 1`: "" when it works, else the
// error (e.g. for checking that a rotated password logs in and the old one no longer does).
std::string TryPostgresLogin(const std::string& host, const std::string& port, const std::string& user,
                             const std::string& password, const std::string& dbname);

}  // namespace csms::test
