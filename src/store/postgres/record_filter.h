// The filters of a notification-record query (RecordQuery) as one clause for every filter
// combination: an absent filter binds NULL and drops out. Redrive (delivery_repository.cc) selects
// by it. The listing does not: such a clause hides the filtered columns from the query planner, so
// its pages have one statement per shape of query instead (record_page.h), tested to select the
// same records (tests/unit/record_page_test.cc, record_filter_test.cc).
#pragma once

#include <string>

#include "domain/notification_record.h"
#include "store/postgres/connection.h"

namespace csms::postgres {

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
// trigger type, status). The cursor and limit are the statement's own.
void BindRecordFilter(Statement& s, const RecordQuery& q);

}  // namespace csms::postgres
