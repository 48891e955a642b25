// SqlDatabaseAccounts: DatabaseAccounts (service/database_accounts.h) over the engines' own
// client libraries: libpq for postgresql, MariaDB Connector/C for mysql (MySQL and MariaDB). No
// SQL text ever holds a password in clear where the library can avoid it (PostgreSQL gets a
// SCRAM verifier computed by libpq); identifiers and literals are escaped by the libraries.
// Connection errors are returned without credentials.
#pragma once

#include "service/database_accounts.h"

namespace csms::rotation {

struct SqlDatabaseAccountsOptions {
  int connect_timeout_s = 5;
  int statement_timeout_s = 10;
};

class SqlDatabaseAccounts final : public DatabaseAccounts {
 public:
  explicit SqlDatabaseAccounts(SqlDatabaseAccountsOptions options = {});
  Status ChangeOwnPassword(const DbEndpoint& at, const DbAccount& account, const std::string& current_password,
                           const std::string& new_password) override;
  Status SetPassword(const DbEndpoint& at, const DbAccount& admin, const DbAccount& account,
                     const std::string& new_password) override;
  Status TestLogin(const DbEndpoint& at, const DbAccount& account, const std::string& password) override;

 private:
  SqlDatabaseAccountsOptions options_;
};

// One engine each, in the engine's module (common/module_loader.h): postgres_accounts.cc in
// csms-postgres.so, mariadb_accounts.cc in csms-mariadb.so; `target` null = change one's own.
// csmsd itself never calls these: it goes through the module's DatabaseClientModule.
Status PostgresSetPassword(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& login,
                           const std::string& login_password, const DbAccount* target, const std::string& new_password);
Status PostgresTestLogin(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& account,
                         const std::string& password);
Status MariadbSetPassword(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& login,
                          const std::string& login_password, const DbAccount* target, const std::string& new_password);
Status MariadbTestLogin(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& account,
                        const std::string& password);

// What an engine's module hands csmsd (its entry point csms_<engine>_accounts_module returns it).
struct DatabaseClientModule {
  int abi_version;  // kModuleAbiVersion
  Status (*set_password)(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& login,
                         const std::string& login_password, const DbAccount* target, const std::string& new_password);
  Status (*test_login)(const DbEndpoint& at, const SqlDatabaseAccountsOptions& o, const DbAccount& account,
                       const std::string& password);
};
using DatabaseClientModuleEntry = const DatabaseClientModule* (*)();

}  // namespace csms::rotation
