// PostgreSQL storage of notification records.
#include "common/errors.h"
#include "store/postgres/decode.h"
#include "store/postgres/query.h"
#include "store/postgres/record_columns.h"
#include "store/postgres/record_page.h"
#include "store/postgres/repositories.h"

namespace csms::postgres {

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

Status PgRecordRepository::Insert(const NotificationRecord& r) {
  if (r.notification_status == NotificationStatus::kPending) conn_.note_outbox_due();
  return InsertOne(
      conn_,
      "INSERT INTO notifications (id, project_id, event_name, trigger_event_type, create_time, secret_name, "
      "secret_type, target_type, target_id, target_name, content, status, secret_id, sequence, next_attempt_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT DO NOTHING",
      "notifications row", [&](Statement& s) {
        s.Bind(1, r.record_id)
            .Bind(2, r.project_id)
            .Bind(3, r.event_name)
            .Bind(4, EventTypeName(r.trigger_event_type))
            .Bind(5, r.create_time)
            .Bind(6, r.secret_name)
            .Bind(7, r.secret_type)
            .Bind(8, r.target_type)
            .Bind(9, r.notification_target_id)
            .Bind(10, r.notification_target_name)
            .Bind(11, r.notification_content)
            .Bind(12, NotificationStatusName(r.notification_status))
            .Bind(13, r.secret_id)
            .Bind(14, r.sequence)
            .BindOpt(15, r.next_attempt_at);
      });
}
Status PgRecordRepository::List(const RecordQuery& q, std::vector<NotificationRecord>* out) {
  // One statement per shape of query, each page O(limit) through the notifications_page_* indexes
  // (record_page.h).
  return QueryMany(
      conn_, RecordPageSql(q), [&](Statement& s) { BindRecordPage(s, q); },
      [&](Statement& s) { return ReadRecordColumns(s, &out->emplace_back()); });
}

Status PgRecordRepository::PurgeOlderThan(int64_t horizon, int limit, int64_t* deleted) {
  Status s = Exec(conn_,
                  "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE create_time < ?1 "
                  "AND status <> 'PENDING' ORDER BY create_time LIMIT ?2)",
                  [&](Statement& st) { st.Bind(1, horizon).Bind(2, limit); });
  *deleted = s.ok() ? conn_.changes() : 0;
  return s;
}

}  // namespace csms::postgres
