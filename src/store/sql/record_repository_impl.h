// The definitions of sql::RecordRepositoryOn (record_repository.h), for the engine's .cc that
// instantiates it after including its query.h: Exec, InsertOne and QueryMany are the engine's,
// found through the connection's namespace.
#pragma once

#include <string>

#include "common/errors.h"
#include "store/sql/record_columns.h"
#include "store/sql/record_page.h"
#include "store/sql/record_repository.h"

namespace csms::sql {

template <typename D>
Status RecordRepositoryOn<D>::Insert(const NotificationRecord& r) {
  if (r.notification_status == NotificationStatus::kPending) conn_.note_outbox_due();
  // The engine may add to the statement (D::kRecordInsertBefore/After: PostgreSQL's outbox row).
  static const std::string sql =
      std::string(D::kRecordInsertBefore) +
      "INSERT INTO notifications (id, project_id, event_name, trigger_event_type, create_time, secret_name, "
      "secret_type, target_type, target_id, target_name, content, status, secret_id, sequence, next_attempt_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT DO NOTHING" +
      D::kRecordInsertAfter;
  return InsertOne(conn_, sql, "notifications row", [&](Statement& s) {
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

template <typename D>
Status RecordRepositoryOn<D>::List(const RecordQuery& q, std::vector<NotificationRecord>* out) {
  // One statement per shape of query, each page O(limit) through the notifications_page_* indexes
  // (record_page.h).
  CSMS_RETURN_IF_ERROR(D::BeforeRecordPage(conn_));
  return QueryMany(
      conn_, RecordPageSql(q, D::kRecordPageWalks), [&](Statement& s) { BindRecordPage(s, q); },
      [&](Statement& s) { return ReadRecordColumns(s, &out->emplace_back()); });
}

template <typename D>
Status RecordRepositoryOn<D>::PurgeOlderThan(int64_t horizon, int limit, int64_t* deleted) {
  static const std::string sql = std::string("DELETE FROM notifications WHERE ") + D::kRowKey + " IN (SELECT " +
                                 D::kRowKey +
                                 " FROM notifications WHERE create_time < ?1 AND status <> 'PENDING' "
                                 "ORDER BY create_time LIMIT ?2)";
  Status s = Exec(conn_, sql, [&](Statement& st) { st.Bind(1, horizon).Bind(2, limit); });
  *deleted = s.ok() ? conn_.changes() : 0;
  return s;
}

}  // namespace csms::sql
