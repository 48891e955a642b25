#include "store/sqlite/connection.h"

#include <string>

#include "common/errors.h"

namespace csms::sqlite {

Status SqliteError(sqlite3* db, std::string_view what) {
  int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "no database");
  if ((code & 0xff) == SQLITE_CONSTRAINT) return errors::NameTaken(msg);
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) return errors::Unavailable(msg);
  return errors::Internal(msg);
}

bool Statement::Step(Status* status) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) *status = SqliteError(sqlite3_db_handle(stmt_), "step");
  return false;
}

Status Statement::Exec() {
  Status s;
  while (Step(&s)) {
  }
  return s;
}

Status Connection::Open(const std::string& path, Sync sync, Connection** out) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Status s = SqliteError(db, "open " + path);
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 10000);
  auto* conn = new Connection(db);
  // synchronous before journal_mode: switching a new database to WAL commits through a rollback
  // journal, which --dev's private database need not fsync (four fsyncs at every start).
  std::string pragmas = sync == Sync::kFull     ? "PRAGMA synchronous=FULL;"
                        : sync == Sync::kNormal ? "PRAGMA synchronous=NORMAL;"
                                                : "PRAGMA synchronous=OFF;";
  pragmas += "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA temp_store=MEMORY;";
  Status s = conn->ExecScript(pragmas);
  if (!s.ok()) {
    delete conn;
    return s;
  }
  *out = conn;
  return Status::OK();
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Prepare(std::string_view sql, sqlite3_stmt** out) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    *out = it->second;
    return Status::OK();
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    return SqliteError(db_, "prepare");
  }
  cache_.emplace(std::string(sql), stmt);
  *out = stmt;
  return Status::OK();
}

Status Connection::ExecScript(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "exec failed";
    sqlite3_free(err);
    return errors::Internal("sqlite: " + msg);
  }
  return Status::OK();
}

}  // namespace csms::sqlite
