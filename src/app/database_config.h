// --database: the PostgreSQL store of a csmsd (or of `csmsd admin`), its password kept off the
// command line (docs/running.md, PostgreSQL).
#pragma once

#include <memory>

#include "app/server_app.h"
#include "common/status.h"
#include "store/store.h"

namespace csms {

// Opens config.database (a postgresql:// URL) with a pool of `connections`. The password comes
// from --database-password-file, else CSMS_DATABASE_PASSWORD, else libpq's own PGPASSWORD / ~/.pgpass;
// a URL that carries one is refused.
Status OpenDatabase(const AppConfig& config, int connections, std::unique_ptr<Store>* out);

}  // namespace csms
