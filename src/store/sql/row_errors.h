// What both SQL engines (store/sqlite, store/postgres) answer for a row that is missing or that
// this build cannot read. Decoding stored values never invents one: a column whose text this build
// does not know (an unknown state, target type, trigger type or status — a corrupted row, or one
// written by a newer csmsd) is an internal error that names the table, the row and the column,
// never a default.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/errors.h"
#include "common/status.h"

namespace csms::sql {

inline Status NotFound(const char* what) { return errors::ResourceNotFound(std::string(what) + " not found"); }

inline Status UnreadableColumn(std::string_view table, std::string_view row, std::string_view column,
                               std::string_view value) {
  return errors::Internal("stored " + std::string(table) + " row " + std::string(row) + " has an unreadable " +
                          std::string(column) + " '" + std::string(value.substr(0, 64)) + "'");
}

// *out = parse(text), or the error above when parse gives nullopt.
template <typename T, typename ParseFn>
Status DecodeColumn(std::string_view text, ParseFn parse, std::string_view table, std::string_view row,
                    std::string_view column, T* out) {
  std::optional<T> v = parse(text);
  if (!v) return UnreadableColumn(table, row, column, text);
  *out = *v;
  return Status::OK();
}

}  // namespace csms::sql
