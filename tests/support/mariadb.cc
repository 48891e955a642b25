#include "support/mariadb.h"

#include <mysql.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>

namespace csms::test {
namespace {

std::string EnvFile() { return std::string(CSMS_TEST_MARIADB_DIR) + "/env"; }

std::map<std::string, std::string> ReadEnv(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

struct Close {
  void operator()(MYSQL* m) const { mysql_close(m); }
};

std::unique_ptr<MYSQL, Close> Connect(const std::string& host, int port, const std::string& user,
                                      const std::string& password, std::string* error) {
  std::unique_ptr<MYSQL, Close> m(mysql_init(nullptr));
  unsigned int timeout = 10, protocol = MYSQL_PROTOCOL_TCP;
  mysql_options(m.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(m.get(), MYSQL_OPT_PROTOCOL, &protocol);
  if (!mysql_real_connect(m.get(), host.c_str(), user.c_str(), password.c_str(), nullptr,
                          static_cast<unsigned int>(port), nullptr, CLIENT_MULTI_STATEMENTS)) {
    if (error) *error = mysql_error(m.get());
    return nullptr;
  }
  return m;
}

}  // namespace

std::string RandomSuffix(int length) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const char* chars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (int i = 0; i < length; ++i) out += chars[rng() % 36];
  return out;
}

bool MariaDbTestServer::Available(std::string* why) {
  auto env = ReadEnv(EnvFile());
  if (env.count("MARIADB_PORT") == 0) {
    *why = "no MariaDB test server (" + EnvFile() + "): run through ctest, which starts the fixture `mariadb`";
    return false;
  }
  return true;
}

const MariaDbTestServer& MariaDbTestServer::Get() {
  static const MariaDbTestServer server = [] {
    MariaDbTestServer s;
    auto env = ReadEnv(EnvFile());
    s.host_ = env["MARIADB_HOST"];
    s.port_ = std::atoi(env["MARIADB_PORT"].c_str());
    s.admin_user_ = env["MARIADB_ADMIN_USER"];
    s.admin_password_ = env["MARIADB_ADMIN_PASSWORD"];
    return s;
  }();
  return server;
}

bool MariaDbTestServer::Exec(const std::string& sql, std::string* error) const {
  auto m = Connect(host_, port_, admin_user_, admin_password_, error);
  if (!m) return false;
  if (mysql_real_query(m.get(), sql.data(), sql.size()) != 0) {
    if (error) *error = mysql_error(m.get());
    return false;
  }
  // Drain every result of a multi-statement text.
  do {
    if (MYSQL_RES* r = mysql_store_result(m.get())) mysql_free_result(r);
    if (mysql_errno(m.get()) != 0) {
      if (error) *error = mysql_error(m.get());
      return false;
    }
  } while (mysql_next_result(m.get()) == 0);
  return true;
}

std::string MariaDbTestServer::CreateDatabase(const std::string& prefix) const {
  std::string name = prefix + "_" + RandomSuffix();
  return Exec("CREATE DATABASE `" + name + "`") ? name : "";
}

bool MariaDbTestServer::CreateAccount(const std::string& user, const std::string& password,
                                      const std::string& database) const {
  return Exec("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'; GRANT SELECT ON `" + database +
              "`.* TO '" + user + "'@'%'");
}

bool MariaDbTestServer::CanLogin(const std::string& user, const std::string& password, std::string* error) const {
  auto m = Connect(host_, port_, user, password, error);
  if (!m) return false;
  if (mysql_query(m.get(), "SELECT 1") != 0) return false;
  if (MYSQL_RES* r = mysql_store_result(m.get())) mysql_free_result(r);
  return true;
}

}  // namespace csms::test
