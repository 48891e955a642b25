// Helpers every SQLite repository uses: run a cached statement with bound parameters and read
// zero, one or many rows. The statement cache is keyed by the SQL text, so `sql` may be built at
// run time (build it once, e.g. in a function-local static, to keep the hot path free of it).
// A row function returns void, or a Status when decoding the row can fail (a stored value this
// build cannot read): the first failure stops the query and is its result.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "common/errors.h"
#include "common/status.h"
#include "store/sql/row_errors.h"
#include "store/sqlite/connection.h"

namespace csms::sqlite {

using sql::DecodeColumn;
using sql::NotFound;
using sql::UnreadableColumn;

// Runs `row` on the current row and gives its Status (ok for a row function returning void).
template <typename RowFn>
Status ReadRow(RowFn& row, Statement& s) {
  if constexpr (std::is_void_v<std::invoke_result_t<RowFn&, Statement&>>) {
    row(s);
    return Status::OK();
  } else {
    return row(s);
  }
}

template <typename BindFn>
Status Exec(Connection& conn, std::string_view sql, BindFn bind) {
  sqlite3_stmt* raw = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &raw));
  Statement s(raw);
  bind(s);
  return s.Exec();
}

// Like Exec, but a statement that touches no row means the row does not exist.
template <typename BindFn>
Status ExecOne(Connection& conn, std::string_view sql, const char* what, BindFn bind) {
  CSMS_RETURN_IF_ERROR(Exec(conn, sql, bind));
  return conn.changes() == 0 ? NotFound(what) : Status::OK();
}

// An INSERT ... ON CONFLICT DO NOTHING: no row inserted means a unique key was taken (kConflict).
// The same as PostgreSQL's (there a failed statement aborts the transaction), so the repositories
// shared by both engines (store/sql/) read alike.
template <typename BindFn>
Status InsertOne(Connection& conn, std::string_view sql, const char* what, BindFn bind) {
  CSMS_RETURN_IF_ERROR(Exec(conn, sql, bind));
  return conn.changes() == 0 ? errors::NameTaken(std::string(what) + " exists already") : Status::OK();
}

template <typename BindFn, typename RowFn>
Status QueryOne(Connection& conn, std::string_view sql, const char* what, BindFn bind, RowFn row) {
  sqlite3_stmt* raw = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &raw));
  Statement s(raw);
  bind(s);
  Status st;
  if (s.Step(&st)) return ReadRow(row, s);
  return st.ok() ? NotFound(what) : st;
}

template <typename BindFn, typename RowFn>
Status QueryMany(Connection& conn, std::string_view sql, BindFn bind, RowFn row) {
  sqlite3_stmt* raw = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &raw));
  Statement s(raw);
  bind(s);
  Status st;
  while (s.Step(&st)) CSMS_RETURN_IF_ERROR(ReadRow(row, s));
  return st;
}

}  // namespace csms::sqlite
