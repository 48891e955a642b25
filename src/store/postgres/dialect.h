// What the repositories shared with SQLite (store/sql/) need to know of PostgreSQL.
#pragma once

#include "store/postgres/connection.h"

namespace csms::postgres {

struct Dialect {
  using Connection = postgres::Connection;
  using Statement = postgres::Statement;
  // The cheapest address of a row, for DELETE ... WHERE <key> IN (SELECT <key> ... LIMIT n).
  // position(haystack, needle) of a substring, 1-based, 0 when absent (a filter with no LIKE escapes).
  static constexpr const char* kSubstringAt = "strpos";
  // The current time in epoch milliseconds, as an SQL expression.
  static constexpr const char* kNowMillis = "(extract(epoch FROM now()) * 1000)::bigint";
  static constexpr const char* kRowKey = "id";
};

}  // namespace csms::postgres
