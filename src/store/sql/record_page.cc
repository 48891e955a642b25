#include "store/sql/record_page.h"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace csms::sql {
namespace {

// Parameters: ?1 project, ?2 lower time bound, ?3 secret, ?4 event, ?5 trigger type, ?6 upper time
// bound, ?7 cursor id, ?8 limit. A shape's text uses only those its filters need.
constexpr int kSecretBit = 1, kEventBit = 2, kTypeBit = 4;
constexpr int kStatusShapes = 5;  // the final statuses (no status filter), then each status by its enum value + 1

using Upper = RecordPageUpper;

int FilterBits(const RecordQuery& q) {
  return (q.secret_name ? kSecretBit : 0) | (q.event_name ? kEventBit : 0) | (q.trigger_event_type ? kTypeBit : 0);
}

int StatusShape(const RecordQuery& q) { return q.status ? static_cast<int>(*q.status) + 1 : 0; }

constexpr int kUpperShapes = static_cast<int>(Upper::kCount);
constexpr int kShapes = 8 * kStatusShapes * kUpperShapes;

int ShapeIndex(int bits, int status_shape, Upper upper) {
  return (bits * kStatusShapes + status_shape) * kUpperShapes + static_cast<int>(upper);
}

std::string Arm(int bits, NotificationStatus status, Upper upper) {
  std::string sql =
      "SELECT id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type, target_type, "
      "target_id, target_name, content, status, secret_id, sequence, next_attempt_at FROM notifications "
      "WHERE project_id = ?1 AND status = '";
  sql += NotificationStatusName(status);
  sql += "'";
  if (bits & kSecretBit) sql += " AND secret_name = ?3";
  if (bits & kEventBit) sql += " AND event_name = ?4";
  if (bits & kTypeBit) sql += " AND trigger_event_type = ?5";
  sql += " AND create_time >= ?2";
  switch (upper) {
    case Upper::kEnd:
      sql += " AND create_time <= ?6";
      break;
    case Upper::kBeforeTime:
      sql += " AND create_time < ?6";
      break;
    case Upper::kBeforeRow:
      sql += " AND (create_time, id) < (?6, ?7)";
      break;
    default:
      break;
  }
  return sql;
}

std::string BuildSql(int bits, int status_shape, Upper upper) {
  std::string sql;
  if (status_shape > 0) {
    sql = Arm(bits, static_cast<NotificationStatus>(status_shape - 1), upper);
  } else {
    for (NotificationStatus s :
         {NotificationStatus::kSuccess, NotificationStatus::kFail, NotificationStatus::kInvalid}) {
      if (!sql.empty()) sql += " UNION ALL ";
      sql += Arm(bits, s, upper);
    }
  }
  return sql + " ORDER BY create_time DESC, id DESC LIMIT ?8";
}

const std::array<std::string, kShapes>& AllSql() {
  static const std::array<std::string, kShapes> all = [] {
    std::array<std::string, kShapes> a;
    for (int bits = 0; bits < 8; ++bits) {
      for (int status = 0; status < kStatusShapes; ++status) {
        for (int u = 0; u < kUpperShapes; ++u) {
          a[ShapeIndex(bits, status, static_cast<Upper>(u))] = BuildSql(bits, status, static_cast<Upper>(u));
        }
      }
    }
    return a;
  }();
  return all;
}

}  // namespace

RecordPageUpper RecordPageUpperOf(const RecordQuery& q, int64_t* time) {
  if (q.before_time && (!q.end_time || *q.before_time <= *q.end_time)) {
    // (create_time, id) < (before_time, before_id) implies create_time <= before_time <= end_time.
    *time = *q.before_time;
    return q.before_id ? RecordPageUpper::kBeforeRow : RecordPageUpper::kBeforeTime;
  }
  if (q.end_time) {
    // Either no cursor, or one later than end_time: every row of the window is older than it.
    *time = *q.end_time;
    return RecordPageUpper::kEnd;
  }
  return RecordPageUpper::kNone;
}

const std::string& RecordPageSql(const RecordQuery& q) {
  int64_t unused = 0;
  return AllSql()[ShapeIndex(FilterBits(q), StatusShape(q), RecordPageUpperOf(q, &unused))];
}

}  // namespace csms::sql
