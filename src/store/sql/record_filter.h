// The filters of a notification-record query, the same for both SQL engines (RecordQuery) as one clause for every
// filter combination: an absent filter binds NULL and drops out. Redrive (delivery_repository.cc) selects by it. The
// listing does not: such a clause hides the filtered columns from the query planner, so its pages have one statement
// per shape of query instead (record_page.h), tested to select the same records (tests/unit/record_page_test.cc,
// record_filter_test.cc).
#pragma once

#include <string>

#include "domain/notification_record.h"

namespace csms::sql {

// What an absent `status` filter selects.
enum class NoStatusMeans {
  kFinished,  // every status but PENDING (the listing)
  kFailed,    // FAIL and INVALID (redrive: what is worth delivering again)
};

// The clause uses parameters ?1 to ?kRecordFilterParams; a statement numbers its own from the next.
inline constexpr int kRecordFilterParams = 8;

// "project_id = ?1 AND create_time >= ?2 AND ..." over the notifications table, without "WHERE".
std::string RecordFilterSql(NoStatusMeans no_status);

// Binds ?1 to ?8 from `q` (project, retention horizon, time window, event and secret names,
// trigger type, status) to either engine's Statement. The cursor and limit are the statement's own.
template <typename Statement>
void BindRecordFilter(Statement& s, const RecordQuery& q) {
  s.Bind(1, q.project_id).Bind(2, q.min_create_time);
  s.BindOpt(3, q.start_time).BindOpt(4, q.end_time).BindOpt(5, q.event_name).BindOpt(6, q.secret_name);
  q.trigger_event_type ? s.Bind(7, EventTypeName(*q.trigger_event_type)) : s.BindNull(7);
  q.status ? s.Bind(8, NotificationStatusName(*q.status)) : s.BindNull(8);
}

}  // namespace csms::sql
