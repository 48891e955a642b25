// Helpers every SQLite repository uses: run a cached statement with bound parameters and read
// zero, one or many rows. `sql` must be a string literal (it keys the statement cache).
#pragma once

#include <string>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace csms::sqlite {

inline Status NotFound(const char* what) {
  return Status(Status::Kind::kNotFound, "CSMS.0005", std::string(what) + " not found");
}

template <typename BindFn>
Status Exec(Connection& conn, const char* sql, BindFn bind) {
  sqlite3_stmt* raw = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &raw));
  Statement s(raw);
  bind(s);
  return s.Exec();
}

// Like Exec, but a statement that touches no row means the row does not exist.
template <typename BindFn>
Status ExecOne(Connection& conn, const char* sql, const char* what, BindFn bind) {
  CSMS_RETURN_IF_ERROR(Exec(conn, sql, bind));
  return sqlite3_changes(conn.db()) == 0 ? NotFound(what) : Status::OK();
}

template <typename BindFn, typename RowFn>
Status QueryOne(Connection& conn, const char* sql, const char* what, BindFn bind, RowFn row) {
  sqlite3_stmt* raw = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &raw));
  Statement s(raw);
  bind(s);
  Status st;
  if (s.Step(&st)) {
    row(s);
    return Status::OK();
  }
  return st.ok() ? NotFound(what) : st;
}

template <typename BindFn, typename RowFn>
Status QueryMany(Connection& conn, const char* sql, BindFn bind, RowFn row) {
  sqlite3_stmt* raw = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &raw));
  Statement s(raw);
  bind(s);
  Status st;
  while (s.Step(&st)) row(s);
  return st;
}

}  // namespace csms::sqlite
