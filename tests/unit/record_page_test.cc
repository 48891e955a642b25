// Filtered pages of the notification-record listing (store/sql/record_page.h) read O(limit)
// rows: for every shape of query the repository can build (each set of secret / event / trigger-type
// filters, each status or none, each kind of upper bound), SQLite's plan walks one of the
// notifications_page_* indexes with every filter as an equality on its leading columns, never scans
// the table and never sorts. And the pages are exactly what the filters select, in order, with the
// keyset cursor (time and id, or the legacy time-only marker) resuming where the last page ended.
#include "store/sql/record_page.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/query.h"
#include "store/sqlite/schema.h"
#include "store/store.h"

namespace csms {
// Named, not anonymous: the unity build compiles several test files together (Makefile).
namespace record_page_test {

using sqlite::Connection;
using sqlite::Statement;

const std::string kProject = "0123456789abcdef0123456789abcdef";
const std::string kOther = "fedcba9876543210fedcba9876543210";

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

std::string Describe(const RecordQuery& q) {
  std::string d =
      "secret=" + std::to_string(q.secret_name.has_value()) + " event=" + std::to_string(q.event_name.has_value()) +
      " type=" + std::to_string(q.trigger_event_type.has_value()) +
      " status=" + (q.status ? std::string(NotificationStatusName(*q.status)) : "final") +
      " start=" + std::to_string(q.start_time.has_value()) + " end=" + std::to_string(q.end_time.has_value()) +
      " cursor=" + std::to_string(q.before_time.has_value()) + "/" + std::to_string(q.before_id.has_value());
  return d;
}

TEST(RecordPagePlan, EveryShapeWalksOneIndexByAllItsFiltersWithoutSortingOrScanning) {
  Connection* raw = nullptr;
  ASSERT_TRUE(Connection::Open(":memory:", false, &raw).ok());
  std::unique_ptr<Connection> conn(raw);
  for (std::string_view m : sqlite::Migrations()) ASSERT_TRUE(conn->ExecScript(m).ok());

  std::vector<RecordQuery> shapes = AllShapes();
  ASSERT_EQ(shapes.size(), 8u * 5 * 5 * 2);
  for (const RecordQuery& q : shapes) {
    SCOPED_TRACE(Describe(q));
    std::vector<std::string> plan;
    ASSERT_TRUE(sqlite::QueryMany(
                    *conn, "EXPLAIN QUERY PLAN " + sql::RecordPageSql(q),
                    [&](Statement& s) { sql::BindRecordPage(s, q); }, [&](Statement& s) { plan.push_back(s.Text(3)); })
                    .ok());
    std::string all;
    for (const auto& line : plan) all += line + "\n";
    SCOPED_TRACE(all);
    int searches = 0;
    for (const std::string& line : plan) {
      EXPECT_EQ(line.find("SCAN"), std::string::npos) << "the plan scans";
      EXPECT_EQ(line.find("TEMP B-TREE"), std::string::npos) << "the plan sorts";
      if (line.rfind("SEARCH", 0) != 0) continue;
      ++searches;
      // "SEARCH notifications USING INDEX notifications_page_se (project_id=? AND status=? AND ...)"
      EXPECT_EQ(line.rfind("SEARCH notifications USING INDEX notifications_page", 0), 0u);
      EXPECT_NE(line.find("(project_id=? AND status=? AND "), std::string::npos);
      EXPECT_EQ(line.find("secret_name=?") != std::string::npos, q.secret_name.has_value());
      EXPECT_EQ(line.find("event_name=?") != std::string::npos, q.event_name.has_value());
      EXPECT_EQ(line.find("trigger_event_type=?") != std::string::npos, q.trigger_event_type.has_value());
      EXPECT_NE(line.find("create_time>?"), std::string::npos) << "no lower bound on the walk";
      bool upper =
          line.find("create_time<?") != std::string::npos || line.find("(create_time,id)<(?,?)") != std::string::npos;
      EXPECT_EQ(upper, q.end_time || q.before_time) << "the upper bound (window end or cursor) does not bound the walk";
    }
    // A listing without a status merges one walk per final status; with a status, one walk.
    EXPECT_EQ(searches, q.status ? 1 : 3);
  }
}

// --- the pages are right ----------------------------------------------------------------------------

struct Row {
  std::string id, project, secret, event;
  EventType type;
  NotificationStatus status;
  int64_t time;
};

bool Selects(const RecordQuery& q, const Row& r) {
  if (r.project != q.project_id || r.time < q.min_create_time) return false;
  if (q.start_time && r.time < *q.start_time) return false;
  if (q.end_time && r.time > *q.end_time) return false;
  if (q.secret_name && r.secret != *q.secret_name) return false;
  if (q.event_name && r.event != *q.event_name) return false;
  if (q.trigger_event_type && r.type != *q.trigger_event_type) return false;
  if (q.status ? r.status != *q.status : r.status == NotificationStatus::kPending) return false;
  if (q.before_time) {
    if (q.before_id ? std::tie(r.time, r.id) >= std::tie(*q.before_time, *q.before_id) : r.time >= *q.before_time) {
      return false;
    }
  }
  return true;
}

class RecordPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:", false, 1}, &store_).ok());
    std::mt19937 rng(7);
    const EventType types[] = {EventType::kVersionCreated, EventType::kDeleted, EventType::kRotated};
    const NotificationStatus statuses[] = {NotificationStatus::kPending, NotificationStatus::kSuccess,
                                           NotificationStatus::kFail, NotificationStatus::kInvalid};
    for (int i = 0; i < 600; ++i) {
      Row r;
      r.id = "id-" + std::to_string(rng() % 100000) + "-" + std::to_string(i);
      r.project = i % 10 == 0 ? kOther : kProject;
      r.secret = "s" + std::to_string(rng() % 3);
      r.event = "ev" + std::to_string(rng() % 3);
      r.type = types[rng() % 3];
      r.status = statuses[rng() % 4];
      r.time = 1000 + static_cast<int64_t>(rng() % 60) * 100;  // many rows share a time: the id breaks ties
      rows_.push_back(r);
    }
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) -> Status {
                      for (const Row& r : rows_) {
                        NotificationRecord n;
                        n.record_id = r.id;
                        n.project_id = r.project;
                        n.event_name = r.event;
                        n.secret_name = r.secret;
                        n.trigger_event_type = r.type;
                        n.notification_status = r.status;
                        n.create_time = r.time;
                        n.target_type = "SMN";
                        CSMS_RETURN_IF_ERROR(tx.records().Insert(n));
                      }
                      return Status::OK();
                    })
                    .ok());
  }

  std::vector<std::string> Expected(const RecordQuery& q) const {
    std::vector<const Row*> hits;
    for (const Row& r : rows_) {
      if (Selects(q, r)) hits.push_back(&r);
    }
    std::sort(hits.begin(), hits.end(),
              [](const Row* a, const Row* b) { return std::tie(a->time, a->id) > std::tie(b->time, b->id); });
    std::vector<std::string> ids;
    for (const Row* r : hits) ids.push_back(r->id);
    return ids;
  }

  // Pages through `q` `limit` records at a time, as RecordService does with its cursor.
  std::vector<std::string> PageThrough(RecordQuery q, int limit, bool legacy_cursor) {
    std::vector<std::string> ids;
    q.limit = limit;
    for (int pages = 0; pages < 1000; ++pages) {
      std::vector<NotificationRecord> page;
      Status s = store_->Read([&](Transaction& tx) { return tx.records().List(q, &page); });
      EXPECT_TRUE(s.ok()) << s.ToString();
      for (const auto& r : page) ids.push_back(r.record_id);
      if (static_cast<int>(page.size()) < limit) return ids;
      q.before_time = page.back().create_time;
      if (legacy_cursor) {
        q.before_id.reset();
      } else {
        q.before_id = page.back().record_id;
      }
    }
    ADD_FAILURE() << "paging did not end";
    return ids;
  }

  std::unique_ptr<Store> store_;
  std::vector<Row> rows_;
};

TEST_F(RecordPageTest, EveryShapePagesThroughExactlyTheSelectedRecordsNewestFirst) {
  std::vector<std::optional<NotificationStatus>> statuses = {std::nullopt, NotificationStatus::kPending,
                                                             NotificationStatus::kSuccess, NotificationStatus::kFail,
                                                             NotificationStatus::kInvalid};
  int nonempty = 0;
  for (int bits = 0; bits < 8; ++bits) {
    for (const auto& status : statuses) {
      for (int window = 0; window < 4; ++window) {
        RecordQuery q;
        q.project_id = kProject;
        q.min_create_time = 1500;
        if (bits & 1) q.secret_name = "s1";
        if (bits & 2) q.event_name = "ev2";
        if (bits & 4) q.trigger_event_type = EventType::kDeleted;
        q.status = status;
        if (window & 1) q.start_time = 2500;
        if (window & 2) q.end_time = 5500;
        SCOPED_TRACE(Describe(q));
        std::vector<std::string> expected = Expected(q);
        if (!expected.empty()) ++nonempty;
        EXPECT_EQ(PageThrough(q, 1000, false), expected);
        EXPECT_EQ(PageThrough(q, 3, false), expected);
        // A first cursor later than end_time, then earlier ones: both bounds hold.
        RecordQuery late = q;
        late.before_time = 6200;
        late.before_id = "id-";
        EXPECT_EQ(PageThrough(late, 4, false), Expected(late));
        // The legacy marker (a time alone) returns records strictly older than it: rows sharing the
        // last row's time are skipped, as before.
        std::vector<std::string> legacy = PageThrough(q, 5, true);
        std::vector<std::string> first_page(expected.begin(), expected.begin() + std::min<size_t>(5, expected.size()));
        EXPECT_TRUE(std::equal(first_page.begin(), first_page.end(), legacy.begin()));
        EXPECT_TRUE(std::includes(expected.begin(), expected.end(), legacy.begin(), legacy.end(),
                                  [&](const std::string& a, const std::string& b) {
                                    auto pos = [&](const std::string& id) {
                                      return std::find(expected.begin(), expected.end(), id) - expected.begin();
                                    };
                                    return pos(a) < pos(b);
                                  }));
      }
    }
  }
  EXPECT_GT(nonempty, 100);  // the data exercises the filters
}

}  // namespace record_page_test
}  // namespace csms
