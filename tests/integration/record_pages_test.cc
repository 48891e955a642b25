// The pages of the notification-record listing are exactly what its filters select, newest first,
// on both engines (each builds its own form of the statements: store/sql/record_page.h): for every
// set of secret / event / trigger-type filters, each status or none, each time window, paged with
// the keyset cursor (time and id, or the legacy time-only marker) from where the last page ended.
// What the plans read: tests/unit/record_page_test.cc (SQLite), postgres_record_page_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "domain/event_type.h"
#include "domain/notification_record.h"
#include "store/store.h"
#include "support/engine.h"
#include "support/record_rows.h"
#include "support/temp_dir.h"

namespace csms::test {
// Named, not anonymous: the unity build compiles several test files together (Makefile).
namespace record_pages_test {

const std::string kProject = "0123456789abcdef0123456789abcdef";
const std::string kOther = "fedcba9876543210fedcba9876543210";

using Row = RecordRow;

// Whether the listing shows `r` for `q`; with `redrive`, whether a redrive takes it (no status
// then means FAIL and INVALID, not every final status).
bool Selects(const RecordQuery& q, const Row& r, bool redrive = false) {
  if (r.project != q.project_id || r.time < q.min_create_time) return false;
  if (q.start_time && r.time < *q.start_time) return false;
  if (q.end_time && r.time > *q.end_time) return false;
  if (q.secret_name && r.secret != *q.secret_name) return false;
  if (q.event_name && r.event != *q.event_name) return false;
  if (q.trigger_event_type && r.type != *q.trigger_event_type) return false;
  if (q.status) {
    if (r.status != *q.status) return false;
  } else if (redrive ? r.status != NotificationStatus::kFail && r.status != NotificationStatus::kInvalid
                     : r.status == NotificationStatus::kPending) {
    return false;
  }
  if (q.before_time) {
    if (q.before_id ? std::tie(r.time, r.id) >= std::tie(*q.before_time, *q.before_id) : r.time >= *q.before_time) {
      return false;
    }
  }
  return true;
}

// A query of the project with the filters `bits` names (1 secret, 2 event, 4 trigger type).
RecordQuery Shape(int bits, std::optional<NotificationStatus> status) {
  RecordQuery q;
  q.project_id = kProject;
  q.min_create_time = 1500;
  if (bits & 1) q.secret_name = "s1";
  if (bits & 2) q.event_name = "ev2";
  if (bits & 4) q.trigger_event_type = EventType::kDeleted;
  q.status = status;
  return q;
}

class RecordPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    ASSERT_TRUE(OpenEngineStore(dir_.path(), &store_).ok());
    std::mt19937 rng(7);
    const NotificationStatus statuses[] = {NotificationStatus::kPending, NotificationStatus::kSuccess,
                                           NotificationStatus::kFail, NotificationStatus::kInvalid};
    for (int i = 0; i < 1200; ++i) {
      Row r;
      r.id = "id-" + std::to_string(rng() % 100000) + "-" + std::to_string(i);
      r.project = i % 10 == 0 ? kOther : kProject;
      r.secret = "s" + std::to_string(rng() % 3);
      r.event = "ev" + std::to_string(rng() % 3);
      r.type = kAllEventTypes[rng() % std::size(kAllEventTypes)];  // every per-type walk finds rows
      r.status = statuses[rng() % 4];
      r.time = 1000 + static_cast<int64_t>(rng() % 60) * 100;  // many rows share a time: the id breaks ties
      rows_.push_back(r);
    }
    ASSERT_TRUE(InsertRecordRows(*store_, rows_).ok());
  }

  std::vector<std::string> Expected(const RecordQuery& q, bool redrive = false) const {
    std::vector<const Row*> hits;
    for (const Row& r : rows_) {
      if (Selects(q, r, redrive)) hits.push_back(&r);
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

  TempDir dir_;
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
        RecordQuery q = Shape(bits, status);
        if (window & 1) q.start_time = 2500;
        if (window & 2) q.end_time = 5500;
        SCOPED_TRACE(DescribeRecordQuery(q));
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

// Redrive re-queues the newest `limit` records a listing with the same filters shows, where no
// status means FAIL and INVALID: paged through until none is left, every shape on the same data,
// each redrive checked against the model before the next.
TEST_F(RecordPageTest, RedriveTakesTheNewestFailedRecordsOfEveryShape) {
  const std::optional<NotificationStatus> statuses[] = {std::nullopt, NotificationStatus::kFail,
                                                        NotificationStatus::kInvalid};
  int redriven = 0;
  for (int bits = 7; bits >= 0; --bits) {  // the narrowest filters first, so each has records left
    for (const auto& status : statuses) {
      RecordQuery q = Shape(bits, status);
      q.end_time = 5500;
      q.limit = 4;
      SCOPED_TRACE(DescribeRecordQuery(q));
      for (int round = 0; round < 1000; ++round) {
        std::vector<std::string> expected = Expected(q, true);
        if (expected.size() > 4) expected.resize(4);
        int64_t count = -1;
        ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().Redrive(q, 9999, &count); }).ok());
        ASSERT_EQ(count, static_cast<int64_t>(expected.size()));
        for (Row& r : rows_) {
          if (std::find(expected.begin(), expected.end(), r.id) != expected.end())
            r.status = NotificationStatus::kPending;
        }
        redriven += static_cast<int>(count);
        RecordQuery pending;
        pending.project_id = kProject;
        pending.status = NotificationStatus::kPending;
        pending.limit = 1000;
        EXPECT_EQ(PageThrough(pending, 1000, false), Expected(pending));
        if (count == 0) break;
      }
    }
  }
  EXPECT_GT(redriven, 100);  // the data exercises it
}

}  // namespace record_pages_test
}  // namespace csms::test
