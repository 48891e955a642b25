#include "store/sql/record_filter.h"

namespace csms::sql {

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

}  // namespace csms::sql
