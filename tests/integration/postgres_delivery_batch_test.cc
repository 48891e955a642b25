// DeliveryRepository::SaveOutcomes, the dispatcher's batch save, on both engines: the plain run of
// the suite runs it on SQLite (one outcome at a time), its pg. variant on PostgreSQL (one
// statement for the whole batch, the outcomes passed as arrays). Either way each outcome is stored
// only if its owner still holds the lease, and the others of the batch are not held back by it.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "domain/delivery.h"
#include "domain/notification_record.h"
#include "store/store.h"
#include "support/delivery_store_calls.h"
#include "support/engine.h"
#include "support/temp_dir.h"

namespace csms::test {
namespace {

// Text the PostgreSQL array form would misread if it were not quoted: quotes, backslashes, braces,
// commas, spaces and the word NULL.
const char kAwkwardError[] = R"(HTTP 503: {"a": "b\"c", "d": [1,2]} \ NULL ,NULL})";

class PostgresDeliveryBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    Status s = OpenEngineStore(dir_.path(), &store_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void Insert(const std::string& id, int64_t due) { InsertRecord(*store_, DeliveryRecord(id, due)); }

  std::vector<std::string> Claim(int64_t now, int64_t lease_until, const std::string& owner, int limit) {
    std::vector<std::string> ids;
    for (const auto& n : ClaimDue(*store_, now, lease_until, owner, limit)) ids.push_back(n.record_id);
    return ids;
  }
  std::vector<bool> Save(const std::string& owner, const std::vector<DeliveryOutcome>& outcomes) {
    return SaveOutcomes(*store_, owner, outcomes);
  }
  RecordDetail Get(const std::string& id) { return GetRecord(*store_, id); }
  static DeliveryOutcome Success(const std::string& id, int64_t number, int64_t time) {
    return SuccessOutcome(id, number, time, 1234, 1000);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(PostgresDeliveryBatchTest, AnOutcomeWhoseLeaseWasTakenIsNotSavedTheOthersAre) {
  Insert("a", 100);
  Insert("b", 200);
  Insert("c", 300);
  // "one" claims a with a short lease, then b and c with a long one; "two" takes a over when its
  // lease ends (logging one's attempt as in doubt).
  ASSERT_EQ(Claim(1000, 5000, "one", 1), std::vector<std::string>{"a"});
  ASSERT_EQ(Claim(1000, 60'000, "one", 10).size(), 2u);
  ASSERT_EQ(Claim(6000, 70'000, "two", 10), std::vector<std::string>{"a"});

  DeliveryOutcome retry;
  retry.record_id = "c";
  retry.attempt = DeliveryAttempt{1, 6100, 503, 99, kAwkwardError};
  retry.status = NotificationStatus::kPending;
  retry.next_attempt_at = 9000;
  retry.round_attempts = 1;
  retry.round_start = 1000;
  EXPECT_EQ(Save("one", {Success("a", 1, 6100), Success("b", 1, 6100), retry}), (std::vector<bool>{false, true, true}));

  // a: still two's, with only the in-doubt attempt that two's claim logged.
  RecordDetail a = Get("a");
  EXPECT_EQ(a.record.notification_status, NotificationStatus::kPending);
  EXPECT_EQ(a.final_time, std::nullopt);
  ASSERT_EQ(a.attempts.size(), 1u);
  EXPECT_TRUE(a.attempts[0].in_doubt);
  // b: SUCCESS, its attempt logged, no error.
  RecordDetail b = Get("b");
  EXPECT_EQ(b.record.notification_status, NotificationStatus::kSuccess);
  EXPECT_EQ(b.final_time, 6100);
  EXPECT_EQ(b.attempt_count, 1);
  EXPECT_EQ(b.last_error, std::nullopt);
  ASSERT_EQ(b.attempts.size(), 1u);
  EXPECT_EQ(b.attempts[0].http_status, 200);
  EXPECT_EQ(b.attempts[0].latency_us, 1234);
  EXPECT_EQ(b.attempts[0].error, "");
  EXPECT_FALSE(b.attempts[0].in_doubt);
  // c: PENDING again, due at its retry time and free for anyone to claim; the error kept verbatim.
  RecordDetail c = Get("c");
  EXPECT_EQ(c.record.notification_status, NotificationStatus::kPending);
  EXPECT_EQ(c.record.next_attempt_at, 9000);
  EXPECT_EQ(c.final_time, std::nullopt);
  EXPECT_EQ(c.last_error, kAwkwardError);
  ASSERT_EQ(c.attempts.size(), 1u);
  EXPECT_EQ(c.attempts[0].http_status, 503);
  EXPECT_EQ(c.attempts[0].error, kAwkwardError);
  EXPECT_TRUE(Claim(8999, 100'000, "three", 10).empty());
  EXPECT_EQ(Claim(9000, 100'000, "three", 10), std::vector<std::string>{"c"});

  // two, which holds a, saves its outcome; one's late one for a still changes nothing.
  EXPECT_EQ(Save("two", {Success("a", 2, 7000)}), std::vector<bool>{true});
  EXPECT_EQ(Save("one", {Success("a", 1, 7100)}), std::vector<bool>{false});
  a = Get("a");
  EXPECT_EQ(a.record.notification_status, NotificationStatus::kSuccess);
  EXPECT_EQ(a.final_time, 7000);
  EXPECT_EQ(a.attempt_count, 2);
  ASSERT_EQ(a.attempts.size(), 2u);
  EXPECT_TRUE(a.attempts[0].in_doubt);
  EXPECT_EQ(a.attempts[1].time, 7000);
}

TEST_F(PostgresDeliveryBatchTest, ARecordTwiceInOneBatchIsSavedOnce) {
  Insert("a", 100);
  ASSERT_EQ(Claim(1000, 60'000, "one", 10).size(), 1u);
  EXPECT_EQ(Save("one", {Success("a", 1, 1100), Success("a", 1, 1200)}), (std::vector<bool>{true, false}));
  RecordDetail a = Get("a");
  EXPECT_EQ(a.final_time, 1100);
  ASSERT_EQ(a.attempts.size(), 1u);
  EXPECT_EQ(a.attempts[0].time, 1100);
}

TEST_F(PostgresDeliveryBatchTest, AnEmptyBatchChangesNothing) {
  Insert("a", 100);
  ASSERT_EQ(Claim(1000, 60'000, "one", 10).size(), 1u);
  EXPECT_TRUE(Save("one", {}).empty());
  EXPECT_EQ(Get("a").record.notification_status, NotificationStatus::kPending);
}

}  // namespace
}  // namespace csms::test
