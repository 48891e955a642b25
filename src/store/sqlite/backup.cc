#include "store/sqlite/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <thread>

#include "common/errors.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/schema.h"

namespace csms::sqlite {
namespace {

// A raw sqlite3 handle closed on every path.
struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close_v2(db); }
};

Status OpenDb(const std::string& path, int flags, Db* out) {
  if (sqlite3_open_v2(path.c_str(), &out->db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    return SqliteError(out->db, "open " + path);
  }
  sqlite3_busy_timeout(out->db, 10000);
  return Status::OK();
}

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "exec failed";
    sqlite3_free(err);
    return errors::Internal(std::string(sql) + ": " + msg);
  }
  return Status::OK();
}

// Runs `sql` and calls `row` for each result row.
template <typename F>
Status Query(sqlite3* db, const char* sql, F row) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) return SqliteError(db, sql);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return SqliteError(db, sql);
  return Status::OK();
}

std::string Text(sqlite3_stmt* stmt, int col) {
  const unsigned char* p = sqlite3_column_text(stmt, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt, col)) : std::string();
}

Status Fsync(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errors::Internal("cannot open " + path + " to fsync it");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return errors::Internal("fsync " + path + " failed");
  return Status::OK();
}

}  // namespace

Status BackupDatabase(const std::string& source, const std::string& dest, const BackupOptions& options,
                      BackupProgress* progress) {
  if (::access(dest.c_str(), F_OK) == 0) return errors::InvalidParameter(dest + " exists already");
  Db src;
  // Read-write without CREATE: a missing database is an error, and a WAL database needs its -shm.
  CSMS_RETURN_IF_ERROR(OpenDb(source, SQLITE_OPEN_READWRITE, &src));
  // The snapshot: a read transaction held across every step, so the copy is one point in time and
  // writes committed meanwhile by the server (another connection) never restart it.
  CSMS_RETURN_IF_ERROR(Exec(src.db, "BEGIN; SELECT count(*) FROM sqlite_schema;"));
  Db dst;
  CSMS_RETURN_IF_ERROR(OpenDb(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst));
  sqlite3_backup* backup = sqlite3_backup_init(dst.db, "main", src.db, "main");
  if (!backup) return SqliteError(dst.db, "backup init");
  int rc;
  int64_t steps = 0;
  while (true) {
    rc = sqlite3_backup_step(backup, options.pages_per_step > 0 ? options.pages_per_step : -1);
    ++steps;
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (options.step_pause.count() > 0 || rc != SQLITE_OK) {
        std::this_thread::sleep_for(std::max(options.step_pause, std::chrono::milliseconds(rc == SQLITE_OK ? 0 : 10)));
      }
      continue;
    }
    break;  // an error: sqlite3_backup_finish reports it
  }
  int64_t pages = sqlite3_backup_pagecount(backup);
  rc = sqlite3_backup_finish(backup);
  if (rc != SQLITE_OK) return SqliteError(dst.db, "backup");
  Exec(src.db, "COMMIT").IgnoreError();  // a read transaction: nothing to lose
  if (progress) {
    progress->pages = pages;
    progress->steps = steps;
  }
  // The copy leaves WAL mode: it is one self-contained file until a server opens it.
  CSMS_RETURN_IF_ERROR(Exec(dst.db, "PRAGMA journal_mode=DELETE;"));
  sqlite3_close_v2(dst.db);
  dst.db = nullptr;
  return Fsync(dest);
}

Status InspectDatabase(const std::string& path, DatabaseFacts* facts) {
  *facts = {};
  facts->known_versions = static_cast<int64_t>(Migrations().size());
  Db db;
  CSMS_RETURN_IF_ERROR(OpenDb(path, SQLITE_OPEN_READONLY, &db));
  std::string integrity;
  CSMS_RETURN_IF_ERROR(Query(db.db, "PRAGMA integrity_check", [&](sqlite3_stmt* s) {
    if (!integrity.empty()) integrity += "; ";
    integrity += Text(s, 0);
  }));
  if (integrity != "ok") return errors::InvalidParameter(path + " fails PRAGMA integrity_check: " + integrity);
  bool has_version_table = false;
  CSMS_RETURN_IF_ERROR(Query(db.db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'",
                             [&](sqlite3_stmt*) { has_version_table = true; }));
  if (!has_version_table) return errors::InvalidParameter(path + " is not a csms database (no schema_version)");
  CSMS_RETURN_IF_ERROR(Query(db.db, "SELECT coalesce(max(version), 0) FROM schema_version",
                             [&](sqlite3_stmt* s) { facts->schema_version = sqlite3_column_int64(s, 0); }));
  if (facts->schema_version < 1 || facts->schema_version > facts->known_versions) {
    return errors::InvalidParameter(path + " has schema version " + std::to_string(facts->schema_version) +
                                    "; this csmsd knows versions 1 to " + std::to_string(facts->known_versions));
  }
  CSMS_RETURN_IF_ERROR(Query(db.db,
                             "SELECT v.kms_key_id, coalesce(k.alias, ''), count(*) FROM versions v "
                             "LEFT JOIN kms_keys k ON k.key_id = v.kms_key_id GROUP BY v.kms_key_id "
                             "UNION SELECT key_id, alias, 0 FROM kms_keys "
                             "WHERE key_id NOT IN (SELECT kms_key_id FROM versions) ORDER BY 1",
                             [&](sqlite3_stmt* s) {
                               facts->keys.push_back({Text(s, 0), Text(s, 1), sqlite3_column_int64(s, 2)});
                             }));
  CSMS_RETURN_IF_ERROR(Query(db.db,
                             "SELECT (SELECT count(*) FROM access_keys) + (SELECT count(*) FROM webhook_secrets)",
                             [&](sqlite3_stmt* s) { facts->default_sealed = sqlite3_column_int64(s, 0); }));
  bool has_key_versions = false;
  CSMS_RETURN_IF_ERROR(Query(db.db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'master_key_versions'",
                             [&](sqlite3_stmt*) { has_key_versions = true; }));
  if (!has_key_versions) return Status::OK();
  return Query(db.db,
               "SELECT version, provider, fingerprint, state FROM master_key_versions WHERE state <> 'RETIRED' "
               "ORDER BY version",
               [&](sqlite3_stmt* s) {
                 facts->key_versions.push_back({sqlite3_column_int64(s, 0), Text(s, 1), Text(s, 2), Text(s, 3)});
               });
}

}  // namespace csms::sqlite
