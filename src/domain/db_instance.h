// Database instances csmsd may rotate accounts in (RDS-FG / GaussDB-FG secrets, issue 12): one
// registry per project, managed with `csmsd admin create-db-instance` and friends. Plain types and
// the rules that need no storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace csms {

inline constexpr std::string_view kDbEnginePostgresql = "postgresql";
inline constexpr std::string_view kDbEngineMysql = "mysql";  // MySQL and MariaDB
inline constexpr std::string_view kSecretTypeRds = "RDS-FG";
inline constexpr std::string_view kSecretTypeGaussDb = "GaussDB-FG";
inline constexpr std::string_view kSingleUser = "SingleUser";
inline constexpr std::string_view kMultiUser = "MultiUser";
// The stage a database rotation puts on its new version until the database has accepted it.
inline constexpr std::string_view kStagePending = "SYSPENDING";

struct DbInstance {
  std::string project_id;
  std::string instance_id;  // ^[a-zA-Z0-9_.-]{1,64}$, unique per project
  std::string engine;       // postgresql | mysql
  std::string host;
  int port = 0;
  std::string tls_mode = "disable";  // disable | require | verify-full
  std::string ca_file;               // PEM bundle for verify-full ("" = the system's)
  std::string admin_secret;          // MultiUser: name of the csms secret holding the admin account
  int64_t create_time = 0;
};

// Where to connect and how (an instance, plus the database name of the account's value).
struct DbEndpoint {
  std::string engine, host;
  int port = 0;
  std::string tls_mode, ca_file, dbname;
};

// An account as a database secret's value holds it (docs/secrets.md, "Database secrets").
struct DbAccount {
  std::string engine, host;
  int port = 0;
  std::string username, password, dbname;
  std::string account_host = "%";  // mysql: the host part of 'user'@'host'
};

bool IsDatabaseSecretType(std::string_view type);
// Checks a registry entry (everything but project_id and create_time); InvalidParameter naming the field.
Status CheckDbInstance(const DbInstance& instance);
// A password both engines accept inside a quoted literal without escaping: letters, digits and a
// few punctuation characters, never a quote or backslash (the policy used for new passwords).
bool IsDbPasswordSafe(std::string_view password);

}  // namespace csms
