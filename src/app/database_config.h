// --database: the PostgreSQL store of a csmsd (or of `csmsd admin`), its password kept off the
// command line (docs/running.md, PostgreSQL).
#pragma once

#include <memory>
#include <string>

#include "app/server_app.h"
#include "common/status.h"
#include "store/store.h"

namespace csms {

// Opens config.database (a postgresql:// URL) with a pool of `connections`. The password comes
// from --database-password-file, else CSMS_DATABASE_PASSWORD, else libpq's own PGPASSWORD / ~/.pgpass;
// a URL that carries one is refused.
Status OpenDatabase(const AppConfig& config, int connections, std::unique_ptr<Store>* out);

// The password OpenDatabase uses for config.database ("" = libpq's own sources), for a tool that
// opens its own connection (app/migrate_admin.cc).
Status DatabasePassword(const AppConfig& config, std::string* out);

}  // namespace csms
