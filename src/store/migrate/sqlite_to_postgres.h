// Copying an SQLite csms database into an empty PostgreSQL one (`csmsd admin migrate`,
// app/migrate_admin.cc). Driven by the two schemas, not by a list of tables: every table both
// engines have is copied column by column (the columns the source has; a column only PostgreSQL
// has keeps its default), parents before children (PostgreSQL's foreign keys), with COPY, in ONE
// PostgreSQL transaction that also checks the row counts: a failure leaves the target as it was.
// Values are copied as stored bytes: sealed values stay sealed (nothing is decrypted, no master
// key is needed here; the replicas need the same master key as the SQLite server had).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace csms::postgres {
class Connection;
}  // namespace csms::postgres

namespace csms::migrate {

struct TableCount {
  std::string table;
  int64_t rows = 0;
};

struct CopyReport {
  std::vector<TableCount> copied;         // in copy order, rows verified on both sides
  std::vector<std::string> only_target;   // PostgreSQL-only tables, left as the migrations made them
  std::vector<std::string> empty_source;  // SQLite-only tables without rows (nothing to carry over)
  // The master keys the source's values are sealed under: "version=N provider=P fingerprint=F
  // state=S" (csms/default's versions), then "key_id=K alias=A" (every key with a check value).
  std::vector<std::string> master_keys;
};

// Copies the SQLite database at `sqlite_path` (opened read-only, read in one transaction; its
// schema must be current: open it with the SQLite store first) into the database of `pg`, whose
// schema the PostgreSQL store has migrated. Refuses (InvalidParameter, naming the tables) a target
// holding any row in a table it would copy, but for the rows the migrations themselves seed.
// Runs in csms-postgres.so (common/module_loader.h); csmsd calls MigrateSqliteToPostgres.
Status CopySqliteToPostgres(const std::string& sqlite_path, postgres::Connection& pg, CopyReport* report);

// csmsd's side (migrate_loader.cc): loads csms-postgres.so, connects to `url` with `password` (empty:
// libpq's own sources) and runs CopySqliteToPostgres there.
Status MigrateSqliteToPostgres(const std::string& sqlite_path, const std::string& url, const std::string& password,
                               CopyReport* report);

// What csms-postgres.so hands csmsd for the copy: its entry point csms_postgres_migrate_module.
struct PostgresMigrateModule {
  int abi_version;  // kModuleAbiVersion
  Status (*copy)(const std::string& sqlite_path, const std::string& url, const std::string& password,
                 CopyReport* report);
};
using PostgresMigrateModuleEntry = const PostgresMigrateModule* (*)();

}  // namespace csms::migrate
