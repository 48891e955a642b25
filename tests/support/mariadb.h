// The MariaDB test server of the CTest fixture `mariadb` (scripts/test-mariadb.sh): its address and
// admin account, read from <build>/mariadb/env, and per-test databases and accounts made through
// MariaDB Connector/C as that admin.
#pragma once

#include <string>

namespace csms::test {

class MariaDbTestServer {
 public:
  // False (with a reason) when the fixture's server is not running: run the tests through ctest.
  static bool Available(std::string* why);
  static const MariaDbTestServer& Get();

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  const std::string& admin_user() const { return admin_user_; }
  const std::string& admin_password() const { return admin_password_; }

  // Runs statements as the admin; false (with mysql's message in *error) on the first failure.
  bool Exec(const std::string& sql, std::string* error = nullptr) const;
  // A database named after `prefix` plus a random suffix; returns its name.
  std::string CreateDatabase(const std::string& prefix) const;
  // A new account 'user'@'%' with `password`, allowed to use `database`.
  bool CreateAccount(const std::string& user, const std::string& password, const std::string& database) const;
  // Opens a fresh connection as user/password and runs SELECT 1.
  bool CanLogin(const std::string& user, const std::string& password, std::string* error = nullptr) const;

 private:
  std::string host_, admin_user_, admin_password_;
  int port_ = 0;
};

// A random suffix of lower-case letters and digits, for per-test names.
std::string RandomSuffix(int length = 8);

}  // namespace csms::test
