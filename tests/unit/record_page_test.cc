// Filtered pages of the notification-record listing (store/sql/record_page.h) read O(limit)
// rows: for every shape of query the repository can build (each set of secret / event / trigger-type
// filters, each status or none, each kind of upper bound), SQLite's plan walks notifications_page_*
// indexes with every filter as an equality on their leading columns (one walk per final status
// without a status filter, one per trigger type for a secret or event filter without a type), never
// scans the table and never sorts. That the pages hold the right records, on both engines:
// tests/integration/record_pages_test.cc.
#include "store/sql/record_page.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/query.h"
#include "store/sqlite/schema.h"
#include "store/store.h"
#include "support/record_rows.h"

namespace csms {
// Named, not anonymous: the unity build compiles several test files together (Makefile).
namespace record_page_test {

using sqlite::Connection;
using sqlite::Statement;

const std::string kProject = "0123456789abcdef0123456789abcdef";

enum class Upper { kNone, kEnd, kCursorTime, kCursorRow, kCursorAndEnd };

// Every shape of query: 8 filter sets x (no status + 4 statuses) x 5 kinds of upper bound.
std::vector<RecordQuery> AllShapes() {
  std::vector<RecordQuery> shapes;
  std::vector<std::optional<NotificationStatus>> statuses = {std::nullopt, NotificationStatus::kPending,
                                                             NotificationStatus::kSuccess, NotificationStatus::kFail,
                                                             NotificationStatus::kInvalid};
  for (int bits = 0; bits < 8; ++bits) {
    for (const auto& status : statuses) {
      for (Upper upper : {Upper::kNone, Upper::kEnd, Upper::kCursorTime, Upper::kCursorRow, Upper::kCursorAndEnd}) {
        for (bool start : {false, true}) {
          RecordQuery q;
          q.project_id = kProject;
          q.min_create_time = 1000;
          if (start) q.start_time = 2000;
          if (bits & 1) q.secret_name = "s7";
          if (bits & 2) q.event_name = "ev3";
          if (bits & 4) q.trigger_event_type = EventType::kDeleted;
          q.status = status;
          if (upper == Upper::kEnd || upper == Upper::kCursorAndEnd) q.end_time = 9000;
          if (upper == Upper::kCursorTime || upper == Upper::kCursorRow || upper == Upper::kCursorAndEnd) {
            q.before_time = 5000;
          }
          if (upper == Upper::kCursorRow || upper == Upper::kCursorAndEnd) q.before_id = "some-id";
          q.limit = 51;
          shapes.push_back(q);
        }
      }
    }
  }
  return shapes;
}

TEST(RecordPagePlan, EveryShapeWalksOneIndexByAllItsFiltersWithoutSortingOrScanning) {
  Connection* raw = nullptr;
  ASSERT_TRUE(Connection::Open(":memory:", false, &raw).ok());
  std::unique_ptr<Connection> conn(raw);
  for (std::string_view m : sqlite::Migrations()) ASSERT_TRUE(conn->ExecScript(m).ok());

  std::vector<RecordQuery> shapes = AllShapes();
  ASSERT_EQ(shapes.size(), 8u * 5 * 5 * 2);
  // Redrive's statements (no status = FAIL and INVALID) too, for the queries without a status.
  for (const auto no_status : {sql::NoStatusMeans::kFinished, sql::NoStatusMeans::kFailed}) {
    for (const RecordQuery& q : shapes) {
      if (q.status && no_status == sql::NoStatusMeans::kFailed) continue;
      SCOPED_TRACE(test::DescribeRecordQuery(q) + (no_status == sql::NoStatusMeans::kFailed ? " (redrive)" : ""));
      std::vector<std::string> plan;
      ASSERT_TRUE(sqlite::QueryMany(
                      *conn, "EXPLAIN QUERY PLAN " + sql::RecordPageSql(q, sql::RecordPageWalks::kMerged, no_status),
                      [&](Statement& s) { sql::BindRecordPage(s, q); },
                      [&](Statement& s) { plan.push_back(s.Text(3)); })
                      .ok());
      std::string all;
      for (const auto& line : plan) all += line + "\n";
      SCOPED_TRACE(all);
      // A type filter is a bound value; without one, a secret or event filter walks once per type.
      const bool per_type = !q.trigger_event_type && (q.secret_name || q.event_name);
      int searches = 0;
      for (const std::string& line : plan) {
        EXPECT_EQ(line.find("SCAN"), std::string::npos) << "the plan scans";
        EXPECT_EQ(line.find("TEMP B-TREE"), std::string::npos) << "the plan sorts";
        if (line.rfind("SEARCH", 0) != 0) continue;
        ++searches;
        // "SEARCH notifications USING INDEX notifications_page_set (project_id=? AND status=? AND ...)"
        EXPECT_EQ(line.rfind("SEARCH notifications USING INDEX notifications_page", 0), 0u);
        EXPECT_NE(line.find("(project_id=? AND status=? AND "), std::string::npos);
        EXPECT_EQ(line.find("secret_name=?") != std::string::npos, q.secret_name.has_value());
        EXPECT_EQ(line.find("event_name=?") != std::string::npos, q.event_name.has_value());
        EXPECT_EQ(line.find("trigger_event_type=?") != std::string::npos, q.trigger_event_type || per_type);
        EXPECT_NE(line.find("create_time>?"), std::string::npos) << "no lower bound on the walk";
        bool upper =
            line.find("create_time<?") != std::string::npos || line.find("(create_time,id)<(?,?)") != std::string::npos;
        EXPECT_EQ(upper, q.end_time || q.before_time)
            << "the upper bound (window end or cursor) does not bound the walk";
      }
      // A listing without a status merges one walk per final status (a redrive: FAIL and INVALID); with a status, one
      // walk. Each of those is one per trigger type when a secret or event filter comes without a type filter.
      const int status_walks = q.status ? 1 : no_status == sql::NoStatusMeans::kFailed ? 2 : 3;
      EXPECT_EQ(searches, status_walks * (per_type ? static_cast<int>(std::size(kAllEventTypes)) : 1));
    }
  }
}

}  // namespace record_page_test
}  // namespace csms
