// Filtered pages of the notification-record listing on PostgreSQL (store/sql/record_page.h): for
// every statement the listing (and redrive) can send, PostgreSQL's plan walks notifications_page_* indexes with
// every condition inside the index (no row read and thrown away), merges the walks in page order
// and never sorts or scans the table, so a page costs O(limit) however many records the filters
// skip. Checked under the planner settings the listing's transaction runs with (postgres/dialect.h)
// for the plan made with the values (the first executions of a prepared statement) and for the
// generic plan PostgreSQL may keep after that, on 40,000 records it has statistics for: without
// those settings it chose sorts and walks of notifications_by_age on these records. And the store
// does run the listing under them. tests/unit/record_page_test.cc checks the plans on SQLite,
// record_pages_test.cc that the pages and redrives take the right records on both engines.
// PostgreSQL only: the pg. variant of the suite runs these (CSMS_TEST_ENGINE=postgresql).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "domain/event_type.h"
#include "domain/notification_record.h"
#include "store/postgres/dialect.h"
#include "store/postgres/postgres_store.h"
#include "store/sql/record_page.h"
#include "store/store.h"
#include "support/engine.h"
#include "support/postgres.h"
#include "support/record_rows.h"
#include "support/wait.h"

namespace csms::test {
// Named, not anonymous: the unity build compiles several test files together (Makefile).
namespace postgres_record_page_test {

// The listing's ?N parameters as PostgreSQL's $N (outside quotes: the texts hold '...' literals).
std::string Numbered(std::string_view sql) {
  std::string out;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    out += (c == '?' && !quoted) ? '$' : c;
  }
  return out;
}

std::string Quoted(std::string_view v) { return "'" + std::string(v) + "'"; }

struct Walks {
  int index_scans = 0;
  std::string problems;
};

// Walks the plan tree: every scan is an index walk of a page index whose conditions are all in
// the index, and nothing sorts.
void Inspect(const rapidjson::Value& node, const RecordQuery& q, bool per_type, Walks* w) {
  std::string type = node["Node Type"].GetString();
  if (type == "Seq Scan" || type == "Sort" || type == "Incremental Sort" || type == "Bitmap Heap Scan") {
    w->problems += type + "; ";
  }
  if (type == "Index Scan" || type == "Index Only Scan") {
    ++w->index_scans;
    std::string index = node["Index Name"].GetString();
    std::string cond = node.HasMember("Index Cond") ? node["Index Cond"].GetString() : "";
    if (index.rfind("notifications_page", 0) != 0) w->problems += "walks " + index + "; ";
    if (node.HasMember("Filter")) w->problems += "filters rows outside the index: " + index + "; ";
    if ((cond.find("secret_name") != std::string::npos) != q.secret_name.has_value() ||
        (cond.find("event_name") != std::string::npos) != q.event_name.has_value() ||
        (cond.find("trigger_event_type") != std::string::npos) != (q.trigger_event_type || per_type) ||
        cond.find("create_time") == std::string::npos) {
      w->problems += "index condition " + cond + "; ";
    }
  }
  if (node.HasMember("Plans")) {
    for (const auto& child : node["Plans"].GetArray()) Inspect(child, q, per_type, w);
  }
}

// A database of 40,000 records of two projects: mostly SUCCESS, 50 secrets, 20 events, every type,
// in time order on disk (as a record log is), with statistics.
class PostgresRecordPagePlan : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestEngineIsPostgres()) GTEST_SKIP() << "PostgreSQL only (its pg. variant runs it)";
    ASSERT_TRUE(db_.ok());
    PostgresOptions options;  // opening the store makes the schema
    options.url = db_.url();
    options.password = db_.server().password;
    options.max_connections = 1;
    ASSERT_TRUE(OpenPostgresStore(options, &store_).ok());
    std::string types = "ARRAY[";
    for (EventType t : kAllEventTypes) types += (types.size() > 6 ? "," : "") + Quoted(EventTypeName(t));
    types += "]";
    ASSERT_EQ(db_.Exec("INSERT INTO notifications (id, project_id, event_name, trigger_event_type, create_time, "
                       "secret_name, secret_type, target_type, target_id, target_name, content, status) "
                       "SELECT 'n' || lpad(i::text, 6, '0'), CASE WHEN i % 10 = 0 THEN 'other' ELSE 'proj' END, "
                       "'ev' || abs(hashint4(i) % 20), (" +
                       types +
                       ")[1 + abs(hashint4(i + 1) % 6)], 1000 + i / 3, 's' || abs(hashint4(i + 2) % 50), 'COMMON', "
                       "'WEBHOOK', 't', 't', '{}', (ARRAY['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', "
                       "'SUCCESS', 'SUCCESS', 'FAIL', 'INVALID', 'PENDING'])[1 + abs(hashint4(i + 3) % 10)] "
                       "FROM generate_series(1, 40000) i; ANALYZE notifications"),
              "");
  }

  // Index scans of `index` so far, as PostgreSQL's statistics say.
  int64_t IndexScans(const std::string& index) const {
    std::string n;
    EXPECT_EQ(db_.Exec("SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = '" + index + "'", &n), "");
    return n.empty() ? -1 : std::stoll(n);
  }

  PostgresTestDatabase db_;
  std::unique_ptr<Store> store_;
};

TEST_F(PostgresRecordPagePlan, EveryShapeMergesIndexWalksByAllItsFiltersWithoutSortingOrScanning) {
  const PostgresTestDatabase& db = db_;

  const std::optional<NotificationStatus> statuses[] = {std::nullopt, NotificationStatus::kPending,
                                                        NotificationStatus::kSuccess, NotificationStatus::kFail,
                                                        NotificationStatus::kInvalid};
  // One query per statement text; redrive's (no status = FAIL and INVALID) beside the listing's.
  std::map<std::string, std::pair<RecordQuery, int>> shapes;  // the query, its walks per type
  for (int bits = 0; bits < 8; ++bits) {
    for (const auto& status : statuses) {
      for (int upper = 0; upper < 4; ++upper) {  // none, window end, cursor time, cursor row
        RecordQuery q;
        q.project_id = "proj";
        q.min_create_time = 2000;
        if (bits & 1) q.secret_name = "s7";
        if (bits & 2) q.event_name = "ev3";
        if (bits & 4) q.trigger_event_type = EventType::kDeleted;
        q.status = status;
        if (upper == 1) q.end_time = 9000;
        if (upper >= 2) q.before_time = 9000;
        if (upper == 3) q.before_id = "n020000";
        q.limit = 51;
        shapes.emplace(sql::RecordPageSql(q, sql::RecordPageWalks::kEachOrdered), std::pair(q, status ? 1 : 3));
        if (!status) {
          shapes.emplace(sql::RecordPageSql(q, sql::RecordPageWalks::kEachOrdered, sql::NoStatusMeans::kFailed),
                         std::pair(q, 2));
        }
      }
    }
  }
  ASSERT_EQ(shapes.size(), 8u * 6 * 4);
  for (const auto& [sql, shape] : shapes) {
    const auto& [q, status_walks] = shape;
    const bool per_type = !q.trigger_event_type && (q.secret_name || q.event_name);
    const std::string args = Quoted(q.project_id) + ", 2000, " + Quoted(q.secret_name.value_or("")) + ", " +
                             Quoted(q.event_name.value_or("")) + ", " +
                             Quoted(q.trigger_event_type ? EventTypeName(*q.trigger_event_type) : "") + ", 9000, " +
                             Quoted(q.before_id.value_or("")) + ", 51";
    for (std::string mode : {"force_custom_plan", "force_generic_plan"}) {
      SCOPED_TRACE(mode + " " + DescribeRecordQuery(q) + ": " + sql);
      std::string json;
      // The listing keeps the generic plan (its settings say so); the plans for the values are checked too.
      ASSERT_EQ(db.Exec(std::string("BEGIN; ") + postgres::Dialect::kRecordPagePlan + "; SET LOCAL plan_cache_mode = " +
                            mode + "; PREPARE page (text, bigint, text, text, text, bigint, text, bigint) AS " +
                            Numbered(sql) + "; EXPLAIN (FORMAT JSON) EXECUTE page (" + args + "); COMMIT",
                        &json),
                "");
      rapidjson::Document plan;
      plan.Parse(json.c_str());
      ASSERT_FALSE(plan.HasParseError());
      Walks w;
      Inspect(plan[0]["Plan"], q, per_type, &w);
      EXPECT_EQ(w.problems, "") << json;
      // One walk per status selected, times one per type for a secret or event filter without a type.
      EXPECT_EQ(w.index_scans, status_walks * (per_type ? static_cast<int>(std::size(kAllEventTypes)) : 1)) << json;
    }
  }
}

// The settings reach the listing's own transaction: on these records PostgreSQL, left to its
// statistics, pages the FAIL records by walking notifications_by_age backwards and filtering (with
// the values and as the generic plan); through the store every page walks notifications_page.
TEST_F(PostgresRecordPagePlan, TheListingsTransactionRunsWithThePlannerSettings) {
  const int64_t by_age = IndexScans("notifications_by_age");
  const int64_t page = IndexScans("notifications_page");
  ASSERT_GE(by_age, 0);
  ASSERT_GE(page, 0);
  RecordQuery q;
  q.project_id = "proj";
  q.min_create_time = 2000;
  q.status = NotificationStatus::kFail;
  q.limit = 51;
  for (int i = 0; i < 8; ++i) {  // past the first five executions: the generic plan too
    std::vector<NotificationRecord> out;
    ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.records().List(q, &out); }).ok());
    ASSERT_EQ(out.size(), 51u);
  }
  // A backend reports its statistics when it ends (or after 10 s idle): close the store's connection.
  store_.reset();
  EXPECT_TRUE(WaitUntil([&] { return IndexScans("notifications_page") >= page + 8; }, std::chrono::seconds(60)))
      << "notifications_page walked " << IndexScans("notifications_page") - page << " times";
  EXPECT_EQ(IndexScans("notifications_by_age"), by_age);
}

}  // namespace postgres_record_page_test
}  // namespace csms::test
