// SQLite storage of notification records.
#include "common/errors.h"
#include "store/sqlite/query.h"
#include "store/sqlite/record_columns.h"
#include "store/sqlite/repositories.h"

namespace csms::sqlite {

NotificationRecord ReadRecordColumns(const Statement& s) {
  NotificationRecord r;
  r.record_id = s.Text(0);
  r.project_id = s.Text(1);
  r.event_name = s.Text(2);
  r.trigger_event_type = ParseEventType(s.TextView(3)).value_or(EventType::kVersionCreated);
  r.create_time = s.Int(4);
  r.secret_name = s.Text(5);
  r.secret_type = s.Text(6);
  r.target_type = s.Text(7);
  r.notification_target_id = s.Text(8);
  r.notification_target_name = s.Text(9);
  r.notification_content = s.Text(10);
  r.notification_status = ParseNotificationStatus(s.TextView(11)).value_or(NotificationStatus::kPending);
  r.secret_id = s.Text(12);
  r.sequence = s.Int(13);
  r.next_attempt_at = s.OptInt(14);
  return r;
}

Status SqliteRecordRepository::Insert(const NotificationRecord& r) {
  return Exec(conn_, 
      "INSERT INTO notifications (id, project_id, event_name, trigger_event_type, create_time, secret_name, "
      "secret_type, target_type, target_id, target_name, content, status, secret_id, sequence, next_attempt_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
      [&](Statement& s) {
        s.Bind(1, r.record_id).Bind(2, r.project_id).Bind(3, r.event_name)
            .Bind(4, EventTypeName(r.trigger_event_type)).Bind(5, r.create_time).Bind(6, r.secret_name)
            .Bind(7, r.secret_type).Bind(8, r.target_type).Bind(9, r.notification_target_id)
            .Bind(10, r.notification_target_name).Bind(11, r.notification_content)
            .Bind(12, NotificationStatusName(r.notification_status)).Bind(13, r.secret_id).Bind(14, r.sequence)
            .BindOpt(15, r.next_attempt_at);
      });
}
Status SqliteRecordRepository::List(const RecordQuery& q, std::vector<NotificationRecord>* out) {
  // One statement serves every filter combination: an absent filter binds NULL and drops out.
  // The (project_id, create_time DESC, id DESC) index drives both the order and the cursor.
  static const char* kSql =
      "SELECT id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type, "
      "target_type, target_id, target_name, content, status, secret_id, sequence, next_attempt_at FROM notifications "
      "WHERE project_id = ?1 AND create_time >= ?2 "
      "AND (?3 IS NULL OR create_time >= ?3) AND (?4 IS NULL OR create_time <= ?4) "
      "AND (?5 IS NULL OR event_name = ?5) AND (?6 IS NULL OR secret_name = ?6) "
      "AND (?7 IS NULL OR trigger_event_type = ?7) "
      "AND (CASE WHEN ?8 IS NULL THEN status <> 'PENDING' ELSE status = ?8 END) "
      "AND (?9 IS NULL OR create_time < ?9 OR (create_time = ?9 AND id < ?10)) "
      "ORDER BY create_time DESC, id DESC LIMIT ?11";
  return QueryMany(conn_, 
      kSql,
      [&](Statement& s) {
        s.Bind(1, q.project_id).Bind(2, q.min_create_time);
        q.start_time ? s.Bind(3, *q.start_time) : s.BindNull(3);
        q.end_time ? s.Bind(4, *q.end_time) : s.BindNull(4);
        q.event_name ? s.Bind(5, *q.event_name) : s.BindNull(5);
        q.secret_name ? s.Bind(6, *q.secret_name) : s.BindNull(6);
        q.trigger_event_type ? s.Bind(7, EventTypeName(*q.trigger_event_type)) : s.BindNull(7);
        q.status ? s.Bind(8, NotificationStatusName(*q.status)) : s.BindNull(8);
        q.before_time ? s.Bind(9, *q.before_time) : s.BindNull(9);
        // Without an id the cursor is a plain time bound (the legacy 13-digit marker).
        s.Bind(10, q.before_id.value_or(""));
        s.Bind(11, q.limit);
      },
      [&](Statement& s) {
        out->push_back(ReadRecordColumns(s));
      });
}

Status SqliteRecordRepository::PurgeOlderThan(int64_t horizon, int limit, int64_t* deleted) {
  Status s = Exec(conn_,
                  "DELETE FROM notifications WHERE rowid IN (SELECT rowid FROM notifications WHERE create_time < ?1 "
                  "AND status <> 'PENDING' ORDER BY create_time LIMIT ?2)",
                  [&](Statement& st) { st.Bind(1, horizon).Bind(2, limit); });
  *deleted = s.ok() ? sqlite3_changes(conn_.db()) : 0;
  return s;
}

}  // namespace csms::sqlite
