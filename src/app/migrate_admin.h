// `csmsd admin migrate --from <data-dir> --to postgresql://…`: moves an SQLite installation into an
// empty PostgreSQL database (docs/scaling.md, Moving from SQLite).
#pragma once

#include <ostream>

#include "app/server_app.h"
#include "common/status.h"

namespace csms {

// config.data_dir is the source (--from), config.database the target (--to), its password from
// --database-password-file or CSMS_DATABASE_PASSWORD as for the server. Locks the source data dir
// exclusively (refused while a csmsd serves it), brings both schemas up to date, then copies every
// table in one PostgreSQL transaction and checks the row counts (store/migrate/sqlite_to_postgres.h).
// Refuses a target holding data. Prints `key=value` lines to `out`.
Status RunMigrateAdmin(const AppConfig& config, std::ostream& out);

}  // namespace csms
