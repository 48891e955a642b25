// The statement of one page of the notification-record listing (RecordRepository::List, both SQL engines).
//
// Every page costs O(limit) whatever filters it carries: the statement names each filter the query
// sets as an equality on the leading columns of one of the notifications_page_* indexes (schema.cc,
// project, status, then the secret, event and trigger-type filters present), so the rows come out
// of the index already in page order (create_time DESC, id DESC) and the keyset cursor is a range
// bound of the same index. A query without a status (every final status) is the UNION ALL of one
// such arm per final status, which SQLite and PostgreSQL merge in order and stops reading at the limit.
//
// Absent filters leave the text, never bind NULL: "?x IS NULL OR column = ?x" would hide the
// column from the query planner. So there is one statement text per shape of query (which
// filters are set, which status, which upper bound); RecordPageSql gives it.
#pragma once

#include <string>

#include <algorithm>
#include <cstdint>
#include "domain/notification_record.h"

namespace csms::sql {

// The statement for `q`'s shape (the values of the filters do not matter, only whether they are
// set, and the status). It returns the columns ReadRecordColumns (record_columns.h) reads.
const std::string& RecordPageSql(const RecordQuery& q);

// The upper bound of create_time, from `end_time` and the cursor, reduced to the one that binds:
// the engines take a single upper range bound from the index, so the other must not be left as a
// filter that hides which one limits the walk.
enum class RecordPageUpper { kNone, kEnd, kBeforeTime, kBeforeRow, kCount };
RecordPageUpper RecordPageUpperOf(const RecordQuery& q, int64_t* time);

// Binds `q`'s values to the statement RecordPageSql(q) gave, on either engine's Statement.
template <typename Statement>
void BindRecordPage(Statement& s, const RecordQuery& q) {
  s.Bind(1, q.project_id).Bind(2, std::max(q.min_create_time, q.start_time.value_or(q.min_create_time)));
  if (q.secret_name) s.Bind(3, *q.secret_name);
  if (q.event_name) s.Bind(4, *q.event_name);
  if (q.trigger_event_type) s.Bind(5, EventTypeName(*q.trigger_event_type));
  int64_t upper_time = 0;
  RecordPageUpper upper = RecordPageUpperOf(q, &upper_time);
  if (upper != RecordPageUpper::kNone) s.Bind(6, upper_time);
  if (upper == RecordPageUpper::kBeforeRow) s.Bind(7, *q.before_id);
  s.Bind(8, q.limit);
}

}  // namespace csms::sql
