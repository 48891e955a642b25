#include "app/database_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "store/postgres/postgres_store.h"

namespace csms {

Status OpenDatabase(const AppConfig& config, int connections, std::unique_ptr<Store>* out) {
  if (!IsPostgresUrl(config.database)) {
    return errors::InvalidParameter("--database must be a postgresql:// URL (SQLite is the default: leave it out)");
  }
  if (UrlHasPassword(config.database)) {
    return errors::InvalidParameter(
        "--database: the URL carries a password; give it with --database-password-file or in "
        "CSMS_DATABASE_PASSWORD instead (a command line is visible to every user of the machine)");
  }
  PostgresOptions options;
  options.url = config.database;
  options.max_connections = connections;
  CSMS_RETURN_IF_ERROR(DatabasePassword(config, &options.password));
  return OpenPostgresStore(options, out);
}

Status DatabasePassword(const AppConfig& config, std::string* out) {
  out->clear();
  if (!config.database_password_file.empty()) {
    std::ifstream in(config.database_password_file);
    if (!in) return errors::InvalidParameter("cannot read --database-password-file " + config.database_password_file);
    std::stringstream text;
    text << in.rdbuf();
    *out = text.str();
    while (!out->empty() && (out->back() == '\n' || out->back() == '\r')) out->pop_back();
  } else if (const char* env = std::getenv("CSMS_DATABASE_PASSWORD"); env && *env) {
    *out = env;
  }
  return Status::OK();
}

}  // namespace csms
