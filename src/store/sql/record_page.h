// The statement of one page of the notification-record listing (RecordRepository::List, both SQL engines).
//
// Every page costs O(limit) whatever filters it carries: the statement names each filter the query
// sets as an equality on the leading columns of one of the notifications_page_* indexes (schema.cc:
// project, status, then the secret and event filters present, then the trigger type), so the rows
// come out of the index already in page order (create_time DESC, id DESC) and the keyset cursor is
// a range bound of the same index. A query is the UNION ALL of such walks, which SQLite and
// PostgreSQL merge in page order and stop reading at the limit: one per final status when it has
// no status, and, when it filters by secret or event but not by trigger type, one per type (those
// indexes hold the type before the time: five indexes instead of eight, decision 134). So a page
// reads at most limit + (number of walks, 18 at most) index entries.
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

// How a statement of several walks lets the engine merge them in page order.
enum class RecordPageWalks {
  // "SELECT ... UNION ALL SELECT ... ORDER BY ... LIMIT": SQLite merges the walks as they are.
  kMerged,
  // Each walk ordered and limited on its own ("SELECT * FROM (SELECT ... ORDER BY ... LIMIT) w0
  // UNION ALL ..."): PostgreSQL 15 does not see that a walk whose leading index columns its own
  // WHERE fixes comes out in page order, so it sorted every record the walks selected (a page of
  // the whole listing read all the project's records); a walk that is a subquery with its own
  // ORDER BY and LIMIT it merges (Merge Append), reading at most limit + walks rows. SQLite does
  // not know such a subquery's order and would sort each one's rows, hence the two forms.
  kEachOrdered,
};

// What a query without a status selects.
enum class NoStatusMeans {
  kFinished,  // every status but PENDING (the listing)
  kFailed,    // FAIL and INVALID (redrive: what is worth delivering again)
};

// The statement for `q`'s shape (the values of the filters do not matter, only whether they are
// set, and the status). It returns the columns ReadRecordColumns (record_columns.h) reads. Redrive
// takes its records from it too (delivery_repository.cc of each engine), so it re-queues exactly
// the page the listing shows for the same filters and costs O(limit) as well.
const std::string& RecordPageSql(const RecordQuery& q, RecordPageWalks walks,
                                 NoStatusMeans no_status = NoStatusMeans::kFinished);

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
