#include "app/migrate_admin.h"

#include <sys/stat.h>

#include <memory>

#include "app/data_dir_lock.h"
#include "app/database_config.h"
#include "common/errors.h"
#include "store/migrate/sqlite_to_postgres.h"
#include "store/postgres/postgres_store.h"
#include "store/store.h"

namespace csms {

Status RunMigrateAdmin(const AppConfig& config, std::ostream& out) {
  if (!IsPostgresUrl(config.database)) return errors::InvalidParameter("--to must be a postgresql:// URL");
  std::string source = config.data_dir + "/csms.db";
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return errors::InvalidParameter("--from " + config.data_dir + " holds no SQLite database (csms.db)");
  }
  // Exclusive: no csmsd (nor an admin command) may write the source while it is copied.
  DataDirLock lock;
  CSMS_RETURN_IF_ERROR(lock.Acquire(config.data_dir, DataDirLock::Mode::kExclusive));
  {
    // The source's schema brought up to this csmsd's, as a start of the server would.
    SqliteOptions options;
    options.path = source;
    options.max_connections = 2;
    std::unique_ptr<Store> store;
    CSMS_RETURN_IF_ERROR(OpenSqliteStore(options, &store));
  }
  {
    // The target's migrations applied (under their advisory lock).
    std::unique_ptr<Store> store;
    CSMS_RETURN_IF_ERROR(OpenDatabase(config, 1, &store));
  }
  std::string password;
  CSMS_RETURN_IF_ERROR(DatabasePassword(config, &password));
  migrate::CopyReport report;
  CSMS_RETURN_IF_ERROR(migrate::MigrateSqliteToPostgres(source, config.database, password, &report));

  int64_t rows = 0;
  for (const auto& t : report.copied) {
    out << "table=" << t.table << " rows=" << t.rows << "\n";
    rows += t.rows;
  }
  for (const auto& t : report.empty_source) out << "skipped_empty_source_table=" << t << "\n";
  for (const auto& t : report.only_target) out << "kept_target_table=" << t << "\n";
  // Values were copied sealed: every replica needs the master key(s) the SQLite server had.
  for (const auto& v : report.master_keys) out << "needs_master_key " << v << "\n";
  out << "migrated_tables=" << report.copied.size() << "\nmigrated_rows=" << rows << "\nverified=counts\n";
  return Status::OK();
}

}  // namespace csms
