#include "rotation/sql_database_accounts.h"

#include "common/errors.h"
#include "common/module_abi.h"
#include "common/module_loader.h"
#include "domain/db_instance.h"

namespace csms::rotation {
namespace {

bool IsPostgres(const DbEndpoint& at) { return at.engine == kDbEnginePostgresql; }

// The engine's client module, loaded on the first rotation that needs it.
Status Client(const DbEndpoint& at, const DatabaseClientModule** out) {
  const bool pg = IsPostgres(at);
  void* entry = nullptr;
  CSMS_RETURN_IF_ERROR(LoadModuleSymbol(pg ? "csms-postgres.so" : "csms-mariadb.so",
                                        pg ? "csms_postgres_accounts_module" : "csms_mariadb_accounts_module", &entry));
  const DatabaseClientModule* module = reinterpret_cast<DatabaseClientModuleEntry>(entry)();
  if (module == nullptr || module->abi_version != kModuleAbiVersion) {
    return errors::Internal(std::string("the module ") + (pg ? "csms-postgres.so" : "csms-mariadb.so") +
                            " was built for another csmsd version");
  }
  *out = module;
  return Status::OK();
}

}  // namespace

SqlDatabaseAccounts::SqlDatabaseAccounts(SqlDatabaseAccountsOptions options) : options_(options) {}

Status SqlDatabaseAccounts::ChangeOwnPassword(const DbEndpoint& at, const DbAccount& account,
                                              const std::string& current_password, const std::string& new_password) {
  const DatabaseClientModule* client = nullptr;
  CSMS_RETURN_IF_ERROR(Client(at, &client));
  return client->set_password(at, options_, account, current_password, nullptr, new_password);
}

Status SqlDatabaseAccounts::SetPassword(const DbEndpoint& at, const DbAccount& admin, const DbAccount& account,
                                        const std::string& new_password) {
  const DatabaseClientModule* client = nullptr;
  CSMS_RETURN_IF_ERROR(Client(at, &client));
  return client->set_password(at, options_, admin, admin.password, &account, new_password);
}

Status SqlDatabaseAccounts::TestLogin(const DbEndpoint& at, const DbAccount& account, const std::string& password) {
  const DatabaseClientModule* client = nullptr;
  CSMS_RETURN_IF_ERROR(Client(at, &client));
  return client->test_login(at, options_, account, password);
}

}  // namespace csms::rotation
