// MySQL / MariaDB passwords through MariaDB Connector/C (Debian's libmariadb-dev): a fresh TCP
// connection per call, literals escaped by mysql_real_escape_string.
#include <mysql.h>

#include <memory>
#include <mutex>
#include <string>

#include "common/module_abi.h"
#include "common/module_loader.h"
#include "common/utf8.h"
#include "rotation/sql_database_accounts.h"

namespace csms::rotation {
namespace {

struct MysqlClose {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
using MysqlConn = std::unique_ptr<MYSQL, MysqlClose>;

Status MyError(const DbEndpoint& at, const std::string& what, MYSQL* m, const std::string& password) {
  std::string msg = m ? mysql_error(m) : "out of memory";
  for (size_t p = msg.find(password); !password.empty() && p != std::string::npos; p = msg.find(password)) {
    msg.replace(p, password.size(), "***");
  }
  return Status::Failure(Status::Kind::kUnavailable, "mysql " + at.host + ":" + std::to_string(at.port) + " " + what +
                                                         ": " + std::string(utf8::Truncate(msg, 300)));
}

Status Connect(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const std::string& user,
               const std::string& password, MysqlConn* out) {
  static std::once_flag init;
  std::call_once(init, [] { mysql_library_init(0, nullptr, nullptr); });
  out->reset(mysql_init(nullptr));
  MYSQL* m = out->get();
  if (!m) return MyError(at, "init failed", nullptr, password);
  unsigned int connect_timeout = o.connect_timeout_s, io_timeout = o.statement_timeout_s;
  unsigned int protocol = MYSQL_PROTOCOL_TCP;
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);
  if (at.tls_mode == "require" || at.tls_mode == "verify-full") {
    my_bool on = 1;
    mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
    my_bool verify = at.tls_mode == "verify-full";
    mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    if (!at.ca_file.empty()) mysql_options(m, MYSQL_OPT_SSL_CA, at.ca_file.c_str());
  }
  if (!mysql_real_connect(m, at.host.c_str(), user.c_str(), password.c_str(),
                          at.dbname.empty() ? nullptr : at.dbname.c_str(), static_cast<unsigned int>(at.port), nullptr,
                          0)) {
    return MyError(at, "login as " + user + " failed", m, password);
  }
  return Status::OK();
}

std::string Literal(MYSQL* m, const std::string& text) {
  std::string out(text.size() * 2 + 1, '\0');
  unsigned long n = mysql_real_escape_string(m, out.data(), text.data(), text.size());
  out.resize(n);
  return "'" + out + "'";
}

}  // namespace

Status MariadbSetPassword(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& login,
                          const std::string& login_password, const DbAccount* target, const std::string& new_password) {
  MysqlConn conn;
  CSMS_RETURN_IF_ERROR(Connect(at, o, login.username, login_password, &conn));
  MYSQL* m = conn.get();
  std::string account =
      target ? Literal(m, target->username) + "@" + Literal(m, target->account_host) : "CURRENT_USER()";
  std::string sql = "ALTER USER " + account + " IDENTIFIED BY " + Literal(m, new_password);
  bool ok = mysql_real_query(m, sql.data(), sql.size()) == 0;
  if (!ok && !target && mysql_errno(m) == 1227) {
    // MariaDB lets ALTER USER only accounts with CREATE USER; an account may always SET its own
    // password (MySQL 8, which has no PASSWORD(), takes the ALTER USER above).
    sql = "SET PASSWORD = PASSWORD(" + Literal(m, new_password) + ")";
    ok = mysql_real_query(m, sql.data(), sql.size()) == 0;
  }
  if (!ok) {
    std::string who = target ? target->username : login.username;
    return MyError(at, "changing the password of " + who + " failed", m, login_password);
  }
  return Status::OK();
}

Status MariadbTestLogin(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& account,
                        const std::string& password) {
  MysqlConn conn;
  CSMS_RETURN_IF_ERROR(Connect(at, o, account.username, password, &conn));
  if (mysql_query(conn.get(), "SELECT 1") != 0) return MyError(at, "test query failed", conn.get(), password);
  MYSQL_RES* r = mysql_store_result(conn.get());
  if (!r) return MyError(at, "test query failed", conn.get(), password);
  mysql_free_result(r);
  return Status::OK();
}

}  // namespace csms::rotation

// The module's entry point (common/module_loader.h).
extern "C" const csms::rotation::DatabaseClientModule* csms_mariadb_accounts_module() {
  static const csms::rotation::DatabaseClientModule module{csms::kModuleAbiVersion, &csms::rotation::MariadbSetPassword,
                                                           &csms::rotation::MariadbTestLogin};
  return &module;
}
