// csmsd's side of `csmsd admin migrate`: the copy runs in csms-postgres.so (common/module_loader.h).
#include "common/errors.h"
#include "common/module_abi.h"
#include "common/module_loader.h"
#include "store/migrate/sqlite_to_postgres.h"

namespace csms::migrate {

Status MigrateSqliteToPostgres(const std::string& sqlite_path, const std::string& url, const std::string& password,
                               CopyReport* report) {
  void* entry = nullptr;
  CSMS_RETURN_IF_ERROR(LoadModuleSymbol("csms-postgres.so", "csms_postgres_migrate_module", &entry));
  const PostgresMigrateModule* module = reinterpret_cast<PostgresMigrateModuleEntry>(entry)();
  if (module == nullptr || module->abi_version != kModuleAbiVersion) {
    return errors::Internal("the module csms-postgres.so was built for another csmsd version");
  }
  return module->copy(sqlite_path, url, password, report);
}

}  // namespace csms::migrate
