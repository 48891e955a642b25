// Notification-record queries select these columns first, in this order:
//   id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type,
//   target_type, target_id, target_name, content, status, secret_id, sequence, next_attempt_at
// and decode them with ReadRecordColumns (defined in record_repository.cc), which fails with an
// internal error naming the row when a stored trigger type, target type or status is unknown.
#pragma once

#include "domain/notification_record.h"
#include "store/postgres/connection.h"

namespace csms::postgres {

Status ReadRecordColumns(const Statement& s, NotificationRecord* out);

}  // namespace csms::postgres
