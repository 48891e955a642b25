// The part of the PostgreSQL store that lives in csmsd: the URL checks, and OpenPostgresStore,
// which loads csms-postgres.so (common/module_loader.h) and opens the store there.
#include "common/errors.h"
#include "common/module_abi.h"
#include "common/module_loader.h"
#include "store/postgres/postgres_store.h"

namespace csms {

bool IsPostgresUrl(const std::string& database) {
  return database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0;
}

bool UrlHasPassword(const std::string& url) {
  if (url.find("password=") != std::string::npos) return true;
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string::npos) return false;
  return authority.substr(0, at).find(':') != std::string::npos;
}

Status OpenPostgresStore(const PostgresOptions& options, std::unique_ptr<Store>* out) {
  void* entry = nullptr;
  CSMS_RETURN_IF_ERROR(LoadModuleSymbol("csms-postgres.so", "csms_postgres_store_module", &entry));
  const PostgresStoreModule* module = reinterpret_cast<PostgresStoreModuleEntry>(entry)();
  if (module == nullptr || module->abi_version != kModuleAbiVersion) {
    return errors::Internal("the module csms-postgres.so was built for another csmsd version");
  }
  return module->open_store(options, out);
}

}  // namespace csms
