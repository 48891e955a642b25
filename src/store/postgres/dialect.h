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
  // A notification record's INSERT (ending "ON CONFLICT DO NOTHING") goes between these two: a
  // PENDING record that is due at some time gets its outbox row (schema.cc, migration 3) in the
  // same statement, and the statement still returns one row if the record was inserted, none on
  // a conflict (InsertOne reads that as changes()).
  static constexpr const char* kRecordInsertBefore = "WITH n AS (";
  static constexpr const char* kRecordInsertAfter =
      " RETURNING id, status, next_attempt_at), o AS (INSERT INTO outbox (id, next_attempt_at) "
      "SELECT id, next_attempt_at FROM n WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL) SELECT id FROM n";
};

}  // namespace csms::postgres
