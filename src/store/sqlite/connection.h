// A thin RAII layer over one sqlite3 connection: prepared statements are cached per connection
// (keyed by their SQL text), bound by position and reset when the Statement handle goes away.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

namespace csms::sqlite {

// Bytes of text and blob parameters bound on this thread, ever: the group writer reads it before
// and after a write to measure how much that write handed SQLite (group_writer.h).
inline thread_local size_t tls_bound_bytes = 0;

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    tls_bound_bytes += text.size();
    return *this;
  }
  Statement& Bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& BindBlob(int index, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    tls_bound_bytes += bytes.size();
    return *this;
  }
  template <typename T>
  Statement& BindOpt(int index, const std::optional<T>& v) {
    if (v) return Bind(index, *v);
    return BindNull(index);
  }
  // PostgreSQL types its NULLs; SQLite's have none (the repositories shared by both call this).
  Statement& BindNullInt(int index) { return BindNull(index); }
  Statement& BindNull(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
  }

  // Advances to the next row: true with a row, false when done; *status set on error.
  bool Step(Status* status);
  // Runs a statement that returns no rows.
  Status Exec();

  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  // The column's text without a copy; valid until the next Step or the Statement goes away.
  std::string_view TextView(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string_view(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col))
             : std::string_view();
  }
  std::string Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::optional<int64_t> OptInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }
  std::optional<std::string> OptText(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Text(col);
  }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_;
};

// PRAGMA synchronous of a connection.
enum class Sync { kOff, kNormal, kFull };

class Connection {
 public:
  static Status Open(const std::string& path, Sync sync, Connection** out);
  static Status Open(const std::string& path, bool synchronous_full, Connection** out) {
    return Open(path, synchronous_full ? Sync::kFull : Sync::kNormal, out);
  }
  ~Connection();

  // Returns the prepared statement for `sql`, from the cache keyed by the SQL text (so a statement
  // built at run time is prepared once per connection, like a literal).
  Status Prepare(std::string_view sql, sqlite3_stmt** out);
  Status ExecScript(std::string_view sql);
  sqlite3* db() { return db_; }

  // Rows changed by the last statement run (the repositories shared with PostgreSQL, store/sql/).
  int64_t changes() const { return sqlite3_changes(db_); }
  // The transaction wrote notifications that are due now. A no-op: the process that commits is
  // the only one delivering, and its store rings its own dispatcher (PostgreSQL notifies the
  // other replicas here).
  void note_outbox_due() {}

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Transparent hash and equality: a lookup by string_view allocates nothing.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
};

Status SqliteError(sqlite3* db, std::string_view what);

}  // namespace csms::sqlite
