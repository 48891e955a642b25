// Helpers every PostgreSQL repository uses, the same as store/sqlite/query.h: run a cached
// statement with bound parameters and read zero, one or many rows. InsertOne is the one addition:
// PostgreSQL aborts the whole transaction on a failed statement (SQLite does not), so an insert
// that may hit a unique key says ON CONFLICT DO NOTHING and reports the conflict itself, leaving
// the transaction usable for what the caller does next.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/errors.h"
#include "common/status.h"
#include "store/postgres/connection.h"
#include "store/sql/row_errors.h"

namespace csms::postgres {

using sql::DecodeColumn;
using sql::NotFound;
using sql::UnreadableColumn;

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
  Prepared* p = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &p));
  Statement s(conn, p);
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
template <typename BindFn>
Status InsertOne(Connection& conn, std::string_view sql, const char* what, BindFn bind) {
  CSMS_RETURN_IF_ERROR(Exec(conn, sql, bind));
  return conn.changes() == 0 ? errors::NameTaken(std::string(what) + " exists already") : Status::OK();
}

template <typename BindFn, typename RowFn>
Status QueryOne(Connection& conn, std::string_view sql, const char* what, BindFn bind, RowFn row) {
  Prepared* p = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &p));
  Statement s(conn, p);
  bind(s);
  Status st;
  if (s.Step(&st)) return ReadRow(row, s);
  return st.ok() ? NotFound(what) : st;
}

template <typename BindFn, typename RowFn>
Status QueryMany(Connection& conn, std::string_view sql, BindFn bind, RowFn row) {
  Prepared* p = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &p));
  Statement s(conn, p);
  bind(s);
  Status st;
  while (s.Step(&st)) CSMS_RETURN_IF_ERROR(ReadRow(row, s));
  return st;
}

// QueryMany whose rows the caller reads only after the transaction commits: queued to travel with
// the next statement or the COMMIT where the connection allows it (Connection::Defer), else run now.
template <typename BindFn, typename RowFn>
Status DeferQuery(Connection& conn, std::string_view sql, BindFn bind, RowFn row) {
  Prepared* p = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &p));
  auto s = std::make_unique<Statement>(conn, p);
  bind(*s);
  return conn.Defer(std::move(s), [row](Statement& st) mutable { return ReadRow(row, st); });
}

}  // namespace csms::postgres
