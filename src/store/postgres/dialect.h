// What the repositories shared with SQLite (store/sql/) need to know of PostgreSQL.
#pragma once

#include "store/postgres/connection.h"
#include "store/sql/record_page.h"

namespace csms::postgres {

struct Dialect {
  using Connection = postgres::Connection;
  using Statement = postgres::Statement;
  // The cheapest address of a row, for DELETE ... WHERE <key> IN (SELECT <key> ... LIMIT n).
  // position(haystack, needle) of a substring, 1-based, 0 when absent (a filter with no LIKE escapes).
  static constexpr const char* kSubstringAt = "strpos";
  // The current time in epoch milliseconds, as an SQL expression.
  static constexpr const char* kNowMillis = "(extract(epoch FROM now()) * 1000)::bigint";
  // How a listing page merges its index walks (store/sql/record_page.h), and the planner settings
  // its transaction runs with. PostgreSQL plans by its statistics: where they say the filters
  // select few records it sorted them all (bitmap scans, or a walk per arm then a sort), and where
  // records are in time order on disk it walked notifications_by_age and filtered; both read
  // every record the filters select when the statistics are off (a burst since the last
  // ANALYZE). Ordered walks of the page indexes read limit + walks rows whatever the data.
  static constexpr sql::RecordPageWalks kRecordPageWalks = sql::RecordPageWalks::kEachOrdered;
  // Under them the plan is the same whatever the values, so the generic plan is kept: PostgreSQL
  // otherwise planned an 18-walk statement again at every execution (2-3 ms, against 0.8 ms for a
  // whole execution with the plan kept) whenever the plan for the values looked cheaper.
  static constexpr const char* kRecordPagePlan =
      "SELECT set_config('enable_sort', 'off', true), set_config('enable_incremental_sort', 'off', true), "
      "set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true), "
      "set_config('plan_cache_mode', 'force_generic_plan', true)";
  static Status BeforeRecordPage(Connection& conn) { return conn.ExecBeforeNext(kRecordPagePlan); }
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
