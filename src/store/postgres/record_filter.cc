#include "store/postgres/record_filter.h"

namespace csms::postgres {

std::string RecordFilterSql(NoStatusMeans no_status) {
  std::string sql =
      "project_id = ?1 AND create_time >= ?2 "
      "AND (?3 IS NULL OR create_time >= ?3) AND (?4 IS NULL OR create_time <= ?4) "
      "AND (?5 IS NULL OR event_name = ?5) AND (?6 IS NULL OR secret_name = ?6) "
      "AND (?7 IS NULL OR trigger_event_type = ?7) "
      "AND (CASE WHEN ?8 IS NULL THEN ";
  sql += no_status == NoStatusMeans::kFinished ? "status <> 'PENDING'" : "status IN ('FAIL', 'INVALID')";
  sql += " ELSE status = ?8 END)";
  return sql;
}

void BindRecordFilter(Statement& s, const RecordQuery& q) {
  s.Bind(1, q.project_id).Bind(2, q.min_create_time);
  s.BindOpt(3, q.start_time).BindOpt(4, q.end_time).BindOpt(5, q.event_name).BindOpt(6, q.secret_name);
  q.trigger_event_type ? s.Bind(7, EventTypeName(*q.trigger_event_type)) : s.BindNull(7);
  q.status ? s.Bind(8, NotificationStatusName(*q.status)) : s.BindNull(8);
}

}  // namespace csms::postgres
