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
  if (!config.database_password_file.empty()) {
    std::ifstream in(config.database_password_file);
    if (!in) return errors::InvalidParameter("cannot read --database-password-file " + config.database_password_file);
    std::stringstream text;
    text << in.rdbuf();
    options.password = text.str();
    while (!options.password.empty() && (options.password.back() == '\n' || options.password.back() == '\r')) {
      options.password.pop_back();
    }
  } else if (const char* env = std::getenv("CSMS_DATABASE_PASSWORD"); env && *env) {
    options.password = env;
  }
  return OpenPostgresStore(options, out);
}

}  // namespace csms
