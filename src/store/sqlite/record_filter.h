// The filters of a notification-record query (RecordQuery), written once for every statement that
// selects records by them: the listing (record_repository.cc) and redrive (delivery_repository.cc).
// One clause serves every filter combination: an absent filter binds NULL and drops out.
#pragma once

#include <string>

#include "domain/notification_record.h"
#include "store/sqlite/connection.h"

namespace csms::sqlite {

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

}  // namespace csms::sqlite
