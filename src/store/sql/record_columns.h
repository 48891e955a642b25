// Notification-record queries select these columns first, in this order:
//   id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type,
//   target_type, target_id, target_name, content, status, secret_id, sequence, next_attempt_at
// and decode them with ReadRecordColumns (either engine's Statement), which fails with an
// internal error naming the row when a stored trigger type, target type or status is unknown.
#pragma once

#include "domain/event.h"
#include "domain/notification_record.h"
#include "store/sql/row_errors.h"

namespace csms::sql {

template <typename Statement>
Status ReadRecordColumns(const Statement& s, NotificationRecord* out) {
  NotificationRecord r;
  r.record_id = s.Text(0);
  r.project_id = s.Text(1);
  r.event_name = s.Text(2);
  CSMS_RETURN_IF_ERROR(DecodeColumn(s.TextView(3), ParseEventType, "notifications", r.record_id, "trigger_event_type",
                                    &r.trigger_event_type));
  r.create_time = s.Int(4);
  r.secret_name = s.Text(5);
  r.secret_type = s.Text(6);
  TargetType target_type = TargetType::kSmn;  // set by DecodeColumn, or the row is refused
  CSMS_RETURN_IF_ERROR(
      DecodeColumn(s.TextView(7), ParseTargetType, "notifications", r.record_id, "target_type", &target_type));
  r.target_type = std::string(TargetTypeName(target_type));
  r.notification_target_id = s.Text(8);
  r.notification_target_name = s.Text(9);
  r.notification_content = s.Text(10);
  CSMS_RETURN_IF_ERROR(DecodeColumn(s.TextView(11), ParseNotificationStatus, "notifications", r.record_id, "status",
                                    &r.notification_status));
  r.secret_id = s.Text(12);
  r.sequence = s.Int(13);
  r.next_attempt_at = s.OptInt(14);
  *out = std::move(r);
  return Status::OK();
}

}  // namespace csms::sql
