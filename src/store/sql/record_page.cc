#include "store/sql/record_page.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <vector>

#include "domain/event_type.h"

namespace csms::sql {
namespace {

// Parameters: ?1 project, ?2 lower time bound, ?3 secret, ?4 event, ?5 trigger type, ?6 upper time
// bound, ?7 cursor id, ?8 limit. A shape's text uses only those its filters need.
constexpr int kSecretBit = 1, kEventBit = 2, kTypeBit = 4;
// The final statuses (no status filter, a listing), then each status by its enum value + 1, then
// FAIL and INVALID (no status filter, a redrive).
constexpr int kStatusShapes = 6;
constexpr int kFailedShape = 5;

using Upper = RecordPageUpper;

int FilterBits(const RecordQuery& q) {
  return (q.secret_name ? kSecretBit : 0) | (q.event_name ? kEventBit : 0) | (q.trigger_event_type ? kTypeBit : 0);
}

int StatusShape(const RecordQuery& q, NoStatusMeans no_status) {
  if (q.status) return static_cast<int>(*q.status) + 1;
  return no_status == NoStatusMeans::kFailed ? kFailedShape : 0;
}

constexpr int kUpperShapes = static_cast<int>(Upper::kCount);
constexpr int kShapes = 8 * kStatusShapes * kUpperShapes;

int ShapeIndex(int bits, int status_shape, Upper upper) {
  return (bits * kStatusShapes + status_shape) * kUpperShapes + static_cast<int>(upper);
}

// One walk of one index: `type` is the trigger-type filter's value when the query sets it (?5), or
// one of the values a walk per type enumerates (a literal), or none.
enum class TypeIs { kAny, kBound, kLiteral };

std::string Arm(int bits, NotificationStatus status, TypeIs type, EventType literal, Upper upper) {
  std::string sql =
      "SELECT id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type, target_type, "
      "target_id, target_name, content, status, secret_id, sequence, next_attempt_at FROM notifications "
      "WHERE project_id = ?1 AND status = '";
  sql += NotificationStatusName(status);
  sql += "'";
  if (bits & kSecretBit) sql += " AND secret_name = ?3";
  if (bits & kEventBit) sql += " AND event_name = ?4";
  if (type == TypeIs::kBound) sql += " AND trigger_event_type = ?5";
  if (type == TypeIs::kLiteral) {
    sql += " AND trigger_event_type = '";
    sql += EventTypeName(literal);
    sql += "'";
  }
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

// The arms of one status: one walk, or with a secret or event filter but no trigger type, one walk
// per trigger type (the secret and event indexes hold the type before the time, so that one index
// serves a query with and without it: decision 134).
void AddArms(int bits, NotificationStatus status, Upper upper, std::vector<std::string>* arms) {
  if (bits & kTypeBit) return arms->push_back(Arm(bits, status, TypeIs::kBound, EventType{}, upper));
  if (!(bits & (kSecretBit | kEventBit))) return arms->push_back(Arm(bits, status, TypeIs::kAny, EventType{}, upper));
  for (EventType t : kAllEventTypes) arms->push_back(Arm(bits, status, TypeIs::kLiteral, t, upper));
}

constexpr const char* kPageOrder = " ORDER BY create_time DESC, id DESC LIMIT ?8";

std::string BuildSql(int bits, int status_shape, Upper upper, RecordPageWalks walks) {
  std::vector<std::string> arms;
  if (status_shape == 0) {
    for (NotificationStatus s :
         {NotificationStatus::kSuccess, NotificationStatus::kFail, NotificationStatus::kInvalid}) {
      AddArms(bits, s, upper, &arms);
    }
  } else if (status_shape == kFailedShape) {
    for (NotificationStatus s : {NotificationStatus::kFail, NotificationStatus::kInvalid}) {
      AddArms(bits, s, upper, &arms);
    }
  } else {
    AddArms(bits, static_cast<NotificationStatus>(status_shape - 1), upper, &arms);
  }
  std::string sql;
  for (size_t i = 0; i < arms.size(); ++i) {
    if (i > 0) sql += " UNION ALL ";
    if (walks == RecordPageWalks::kEachOrdered && arms.size() > 1) {
      sql += "SELECT * FROM (" + arms[i] + kPageOrder + ") w" + std::to_string(i);
    } else {
      sql += arms[i];
    }
  }
  return sql + kPageOrder;
}

using AllShapes = std::array<std::string, kShapes>;

AllShapes BuildAll(RecordPageWalks walks) {
  AllShapes a;
  for (int bits = 0; bits < 8; ++bits) {
    for (int status = 0; status < kStatusShapes; ++status) {
      for (int u = 0; u < kUpperShapes; ++u) {
        a[ShapeIndex(bits, status, static_cast<Upper>(u))] = BuildSql(bits, status, static_cast<Upper>(u), walks);
      }
    }
  }
  return a;
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

const std::string& RecordPageSql(const RecordQuery& q, RecordPageWalks walks, NoStatusMeans no_status) {
  static const AllShapes merged = BuildAll(RecordPageWalks::kMerged);
  static const AllShapes each_ordered = BuildAll(RecordPageWalks::kEachOrdered);
  int64_t unused = 0;
  const AllShapes& all = walks == RecordPageWalks::kMerged ? merged : each_ordered;
  return all[ShapeIndex(FilterBits(q), StatusShape(q, no_status), RecordPageUpperOf(q, &unused))];
}

}  // namespace csms::sql
