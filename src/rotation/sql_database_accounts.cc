#include "rotation/sql_database_accounts.h"

#include "domain/db_instance.h"

namespace csms::rotation {
namespace {

bool IsPostgres(const DbEndpoint& at) { return at.engine == kDbEnginePostgresql; }

}  // namespace

SqlDatabaseAccounts::SqlDatabaseAccounts(SqlDatabaseAccountsOptions options) : options_(options) {}

Status SqlDatabaseAccounts::ChangeOwnPassword(const DbEndpoint& at, const DbAccount& account,
                                              const std::string& current_password, const std::string& new_password) {
  if (IsPostgres(at)) return PostgresSetPassword(at, options_, account, current_password, nullptr, new_password);
  return MariadbSetPassword(at, options_, account, current_password, nullptr, new_password);
}

Status SqlDatabaseAccounts::SetPassword(const DbEndpoint& at, const DbAccount& admin, const DbAccount& account,
                                        const std::string& new_password) {
  if (IsPostgres(at)) return PostgresSetPassword(at, options_, admin, admin.password, &account, new_password);
  return MariadbSetPassword(at, options_, admin, admin.password, &account, new_password);
}

Status SqlDatabaseAccounts::TestLogin(const DbEndpoint& at, const DbAccount& account, const std::string& password) {
  if (IsPostgres(at)) return PostgresTestLogin(at, options_, account, password);
  return MariadbTestLogin(at, options_, account, password);
}

}  // namespace csms::rotation
