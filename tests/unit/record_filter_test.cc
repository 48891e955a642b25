// The one-clause builder of notification-record filters (store/sql/record_filter.h, redrive's):
// each filter of a RecordQuery selects exactly the rows it names, an absent one drops out, and
// redrive takes the records the listing (record_page.h) shows for the same filter.
#include "store/sql/record_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/query.h"
#include "store/store.h"

namespace csms {
// Named, not anonymous: the unity build compiles several test files together (Makefile).
namespace record_filter_test {

using sqlite::Connection;
using sqlite::Statement;

const std::string kProject = "0123456789abcdef0123456789abcdef";
const std::string kOther = "fedcba9876543210fedcba9876543210";

struct Row {
  std::string id, project, event, secret;
  EventType type;
  NotificationStatus status;
  int64_t time;
};

// Every filter value appears both matching and not matching.
const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      {"r1", kProject, "ev1", "s1", EventType::kVersionCreated, NotificationStatus::kSuccess, 100},
      {"r2", kProject, "ev1", "s2", EventType::kDeleted, NotificationStatus::kFail, 200},
      {"r3", kProject, "ev2", "s1", EventType::kVersionCreated, NotificationStatus::kInvalid, 300},
      {"r4", kProject, "ev2", "s2", EventType::kRotated, NotificationStatus::kPending, 400},
      {"r5", kProject, "ev1", "s1", EventType::kDeleted, NotificationStatus::kFail, 500},
      {"r6", kOther, "ev1", "s1", EventType::kVersionCreated, NotificationStatus::kFail, 300},
  };
  return rows;
}

bool Matches(const Row& r, const RecordQuery& q, sql::NoStatusMeans no_status) {
  if (r.project != q.project_id || r.time < q.min_create_time) return false;
  if (q.start_time && r.time < *q.start_time) return false;
  if (q.end_time && r.time > *q.end_time) return false;
  if (q.event_name && r.event != *q.event_name) return false;
  if (q.secret_name && r.secret != *q.secret_name) return false;
  if (q.trigger_event_type && r.type != *q.trigger_event_type) return false;
  if (q.status) return r.status == *q.status;
  if (no_status == sql::NoStatusMeans::kFinished) return r.status != NotificationStatus::kPending;
  return r.status == NotificationStatus::kFail || r.status == NotificationStatus::kInvalid;
}

class RecordFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Connection* conn = nullptr;
    ASSERT_TRUE(Connection::Open(":memory:", false, &conn).ok());
    conn_.reset(conn);
    ASSERT_TRUE(conn_
                    ->ExecScript("CREATE TABLE notifications (id TEXT, project_id TEXT, event_name TEXT, "
                                 "secret_name TEXT, trigger_event_type TEXT, status TEXT, create_time INTEGER)")
                    .ok());
    for (const Row& r : Rows()) {
      ASSERT_TRUE(
          sqlite::Exec(*conn_, "INSERT INTO notifications VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", [&](Statement& s) {
            s.Bind(1, r.id).Bind(2, r.project).Bind(3, r.event).Bind(4, r.secret);
            s.Bind(5, EventTypeName(r.type)).Bind(6, NotificationStatusName(r.status));
            s.Bind(7, r.time);
          }).ok());
    }
  }

  std::set<std::string> Select(const RecordQuery& q, sql::NoStatusMeans no_status) {
    std::set<std::string> ids;
    Status s = sqlite::QueryMany(
        *conn_, "SELECT id FROM notifications WHERE " + sql::RecordFilterSql(no_status),
        [&](Statement& st) { sql::BindRecordFilter(st, q); }, [&](Statement& st) { ids.insert(st.Text(0)); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  }

  static std::set<std::string> Expected(const RecordQuery& q, sql::NoStatusMeans no_status) {
    std::set<std::string> ids;
    for (const Row& r : Rows()) {
      if (Matches(r, q, no_status)) ids.insert(r.id);
    }
    return ids;
  }

  std::unique_ptr<Connection> conn_;
};

TEST_F(RecordFilterTest, EachFilterSelectsExactlyItsRows) {
  std::vector<RecordQuery> queries;
  RecordQuery base;
  base.project_id = kProject;
  queries.push_back(base);
  auto with = [&](auto set) {
    RecordQuery q = base;
    set(q);
    queries.push_back(q);
  };
  with([](RecordQuery& q) { q.min_create_time = 250; });
  with([](RecordQuery& q) { q.start_time = 200; });
  with([](RecordQuery& q) { q.end_time = 300; });
  with([](RecordQuery& q) { q.start_time = 200, q.end_time = 400; });
  with([](RecordQuery& q) { q.event_name = "ev2"; });
  with([](RecordQuery& q) { q.secret_name = "s1"; });
  with([](RecordQuery& q) { q.trigger_event_type = EventType::kDeleted; });
  with([](RecordQuery& q) { q.status = NotificationStatus::kPending; });
  with([](RecordQuery& q) { q.status = NotificationStatus::kSuccess; });
  with([](RecordQuery& q) { q.event_name = "ev1", q.secret_name = "s1", q.trigger_event_type = EventType::kDeleted; });
  with([](RecordQuery& q) { q.project_id = kOther; });
  for (auto no_status : {sql::NoStatusMeans::kFinished, sql::NoStatusMeans::kFailed}) {
    for (size_t i = 0; i < queries.size(); ++i) {
      EXPECT_EQ(Select(queries[i], no_status), Expected(queries[i], no_status))
          << "query " << i << ", no_status " << static_cast<int>(no_status);
    }
  }
  // The expectations are not trivially all or nothing.
  EXPECT_EQ(Expected(base, sql::NoStatusMeans::kFinished), (std::set<std::string>{"r1", "r2", "r3", "r5"}));
  EXPECT_EQ(Expected(base, sql::NoStatusMeans::kFailed), (std::set<std::string>{"r2", "r3", "r5"}));
}

// Through the repositories: redrive with a filter re-queues exactly the failed records the
// listing shows for the same filter.
TEST(RecordFilterStore, RedriveTakesWhatTheListingShows) {
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenSqliteStore(SqliteOptions{":memory:", false, 1}, &store).ok());
  ASSERT_TRUE(store
                  ->Write([&](Transaction& tx) -> Status {
                    for (const Row& r : Rows()) {
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
  RecordQuery q;
  q.project_id = kProject;
  q.secret_name = "s1";
  q.status = NotificationStatus::kFail;
  std::vector<NotificationRecord> listed;
  ASSERT_TRUE(store->Read([&](Transaction& tx) { return tx.records().List(q, &listed); }).ok());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].record_id, "r5");
  int64_t count = 0;
  ASSERT_TRUE(store->Write([&](Transaction& tx) { return tx.delivery().Redrive(q, 9999, &count); }).ok());
  EXPECT_EQ(count, 1);
  RecordQuery pending;
  pending.project_id = kProject;
  pending.status = NotificationStatus::kPending;
  std::vector<NotificationRecord> now_pending;
  ASSERT_TRUE(store->Read([&](Transaction& tx) { return tx.records().List(pending, &now_pending); }).ok());
  std::set<std::string> ids;
  for (const auto& r : now_pending) ids.insert(r.record_id);
  EXPECT_EQ(ids, (std::set<std::string>{"r4", "r5"}));
}

}  // namespace record_filter_test
}  // namespace csms
