// What the repositories shared with PostgreSQL (store/sql/) need to know of SQLite.
#pragma once

#include "store/sql/record_page.h"
#include "store/sqlite/connection.h"

namespace csms::sqlite {

struct Dialect {
  using Connection = sqlite::Connection;
  using Statement = sqlite::Statement;
  // The cheapest address of a row, for DELETE ... WHERE <key> IN (SELECT <key> ... LIMIT n).
  // position(haystack, needle) of a substring, 1-based, 0 when absent (a filter with no LIKE escapes).
  static constexpr const char* kSubstringAt = "instr";
  // The current time in epoch milliseconds, as an SQL expression.
  static constexpr const char* kNowMillis = "strftime('%s','now')*1000";
  // How a listing page merges its index walks (store/sql/record_page.h).
  static constexpr sql::RecordPageWalks kRecordPageWalks = sql::RecordPageWalks::kMerged;
  // SQLite's planner takes the index with the most equality filters (record_page_test.cc).
  static Status BeforeRecordPage(Connection&) { return Status::OK(); }
  static constexpr const char* kRowKey = "rowid";
  // What a notification record's INSERT is wrapped in (PostgreSQL adds its outbox row): nothing.
  static constexpr const char* kRecordInsertBefore = "";
  static constexpr const char* kRecordInsertAfter = "";
};

}  // namespace csms::sqlite
