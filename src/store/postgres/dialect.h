// What the repositories shared with SQLite (store/sql/) need to know of PostgreSQL.
#pragma once

#include "store/postgres/connection.h"

namespace csms::postgres {

struct Dialect {
  using Connection = postgres::Connection;
  using Statement = postgres::Statement;
  // The cheapest address of a row, for DELETE ... WHERE <key> IN (SELECT <key> ... LIMIT n).
  static constexpr const char* kRowKey = "id";
};

}  // namespace csms::postgres
