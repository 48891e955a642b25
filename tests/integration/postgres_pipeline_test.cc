// The PostgreSQL store's round trips (store/postgres/connection.h): a write's turn ends once its
// COMMIT is sent, so a commit waiting for the database does not hold up the next write (group
// commit); a write that conflicts with a commit still in flight runs again and succeeds; the
// dispatcher's deferred statements (SaveOutcomes, NextDueTime in WriteRelaxed) are complete after
// the commit and dropped with a rollback. A commit is held up here by a deferred constraint
// trigger waiting for an advisory lock the test holds, so nothing depends on timing.
// PostgreSQL only: the pg. variant of the suite runs these (CSMS_TEST_ENGINE=postgresql).
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "domain/delivery.h"
#include "domain/event.h"
#include "domain/notification_record.h"
#include "store/postgres/postgres_store.h"
#include "store/store.h"
#include "support/engine.h"
#include "support/postgres.h"
#include "support/wait.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kProjectA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* kProjectB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
constexpr int kLockKey = 7357;

#define CSMS_SKIP_UNLESS_POSTGRES() \
  if (!TestEngineIsPostgres()) GTEST_SKIP() << "PostgreSQL only (its pg. variant runs it)"

Event MakeEvent(const std::string& project, const std::string& name) {
  Event e;
  e.project_id = project;
  e.name = name;
  e.event_id = name + "-id";
  e.event_types = {EventType::kVersionCreated};
  e.notification = NotificationTarget{TargetType::kWebhook, "https://example.com/hook", "hook"};
  e.create_time = e.update_time = 1;
  e.representation = "{}";
  return e;
}

class PostgresPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CSMS_SKIP_UNLESS_POSTGRES();
    ASSERT_TRUE(db_.ok());
    PostgresOptions options;
    options.url = db_.url();
    options.password = db_.server().password;
    options.max_connections = 4;
    ASSERT_TRUE(OpenPostgresStore(options, &store_).ok());
    // An event named "slow*" cannot commit while the test holds the advisory lock: the check runs
    // at COMMIT (deferred), after the write's statements.
    ASSERT_EQ(db_.Exec("CREATE FUNCTION test_hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       "BEGIN PERFORM pg_advisory_xact_lock(" +
                       std::to_string(kLockKey) +
                       "); RETURN NULL; END $$; "
                       "CREATE CONSTRAINT TRIGGER test_hold_commit AFTER INSERT ON events DEFERRABLE INITIALLY "
                       "DEFERRED FOR EACH ROW WHEN (NEW.name LIKE 'slow%') EXECUTE FUNCTION test_hold_commit()"),
              "");
  }
  void TearDown() override {
    if (lock_) PQfinish(lock_);
  }

  // Holds the advisory lock in a session of the test's own until ReleaseLock.
  void HoldLock() {
    const std::string url = db_.url();
    const char* keys[] = {"dbname", "password", nullptr};
    const char* values[] = {url.c_str(), db_.server().password.c_str(), nullptr};
    lock_ = PQconnectdbParams(keys, values, 1);
    ASSERT_EQ(PQstatus(lock_), CONNECTION_OK) << PQerrorMessage(lock_);
    PGresult* r = PQexec(lock_, ("SELECT pg_advisory_lock(" + std::to_string(kLockKey) + ")").c_str());
    ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
    PQclear(r);
  }
  void ReleaseLock() {
    if (lock_) PQfinish(lock_);
    lock_ = nullptr;
  }
  // True once a backend waits for the advisory lock (the held-up commit has reached it). pg_locks
  // shows the whole server, where other tests run at once (the same key in other databases, a
  // replica waiting for the migration lock): only this database's waiter for this key counts.
  bool CommitWaiting() {
    std::string n;
    db_.Exec("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = " +
                 std::to_string(kLockKey) +
                 " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
             &n);
    return n == "1";
  }

  PostgresTestDatabase db_;
  std::unique_ptr<Store> store_;
  PGconn* lock_ = nullptr;
};

TEST_F(PostgresPipelineTest, ACommitWaitingForTheDatabaseDoesNotHoldUpTheNextWrite) {
  HoldLock();
  std::atomic<bool> slow_done{false};
  Status slow_status;
  std::thread slow([&] {
    slow_status = store_->Write([](Transaction& tx) { return tx.events().Insert(MakeEvent(kProjectA, "slow")); });
    slow_done = true;
  });
  ASSERT_TRUE(WaitUntil([&] { return CommitWaiting(); }, 30s)) << "the held-up commit never reached the lock";
  // Another write of the same store, on other rows: it commits while the first one's COMMIT is
  // still waiting (before, writes took turns until the commit returned, and it waited too).
  std::atomic<bool> fast_done{false};
  Status fast_status;
  std::thread fast([&] {
    fast_status = store_->Write([](Transaction& tx) { return tx.events().Insert(MakeEvent(kProjectB, "fast")); });
    fast_done = true;
  });
  const bool overlapped = WaitUntil([&] { return fast_done.load(); }, 30s);
  EXPECT_TRUE(overlapped) << "the second write waited for the first one's commit";
  EXPECT_FALSE(slow_done) << "the first write finished without the lock";
  ReleaseLock();
  slow.join();
  fast.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.ToString();
  EXPECT_TRUE(fast_status.ok()) << fast_status.ToString();
  int64_t a = 0, b = 0;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    CSMS_RETURN_IF_ERROR(tx.events().Count(kProjectA, &a));
                    return tx.events().Count(kProjectB, &b);
                  })
                  .ok());
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
}

TEST_F(PostgresPipelineTest, AWriteConflictingWithACommitInFlightRunsAgainAndSucceeds) {
  HoldLock();
  Status slow_status, second_status;
  std::thread slow([&] {
    slow_status = store_->Write([](Transaction& tx) { return tx.events().Insert(MakeEvent(kProjectA, "slow")); });
  });
  ASSERT_TRUE(WaitUntil([&] { return CommitWaiting(); }, 30s));
  // The same project: both bump its event generation row, so the second write waits for the
  // first one's row lock and, once that commits, fails to serialize; run again, it succeeds.
  std::thread second([&] {
    second_status = store_->Write([](Transaction& tx) { return tx.events().Insert(MakeEvent(kProjectA, "other")); });
  });
  ReleaseLock();
  slow.join();
  second.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.ToString();
  EXPECT_TRUE(second_status.ok()) << second_status.ToString();
  int64_t count = 0, generation = 0;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    CSMS_RETURN_IF_ERROR(tx.events().Count(kProjectA, &count));
                    return tx.events().Generation(kProjectA, &generation);
                  })
                  .ok());
  EXPECT_EQ(count, 2);
  EXPECT_EQ(generation, 2);
}

NotificationRecord Pending(const std::string& id, int64_t due) {
  NotificationRecord r;
  r.record_id = id;
  r.project_id = kProjectA;
  r.event_name = "ev";
  r.trigger_event_type = EventType::kVersionCreated;
  r.create_time = 1;
  r.secret_name = "s";
  r.secret_type = "COMMON";
  r.target_type = "WEBHOOK";
  r.notification_target_id = "https://example.com/hook";
  r.notification_target_name = "hook";
  r.notification_content = "{}";
  r.notification_status = NotificationStatus::kPending;
  r.next_attempt_at = due;
  return r;
}

DeliveryOutcome Success(const ClaimedNotification& n) {
  DeliveryOutcome o;
  o.record_id = n.record_id;
  o.project_id = n.project_id;
  o.event_name = n.event_name;
  o.target_type = n.target_type;
  o.status = NotificationStatus::kSuccess;
  o.attempt.number = n.attempt_count + 1;
  o.attempt.time = 100;
  o.attempt.http_status = 200;
  return o;
}

TEST_F(PostgresPipelineTest, TheDispatchersDeferredStatementsAreCompleteAfterTheCommitAndGoneWithARollback) {
  ASSERT_TRUE(store_
                  ->Write([](Transaction& tx) {
                    CSMS_RETURN_IF_ERROR(tx.records().Insert(Pending("r1", 10)));
                    CSMS_RETURN_IF_ERROR(tx.records().Insert(Pending("r2", 10)));
                    return tx.records().Insert(Pending("r3", 5'000));
                  })
                  .ok());
  std::vector<ClaimedNotification> claimed;
  ASSERT_TRUE(store_
                  ->WriteRelaxed([&](Transaction& tx) {
                    claimed.clear();
                    return tx.delivery().ClaimDue(20, 60'000, "owner", 10, &claimed);
                  })
                  .ok());
  ASSERT_EQ(claimed.size(), 2u);
  const std::vector<DeliveryOutcome> outcomes = {Success(claimed[0]), Success(claimed[1])};

  // A pass that fails after its deferred statements: none of them is applied.
  std::vector<bool> applied;
  std::optional<int64_t> next_due;
  Status failed = store_->WriteRelaxed([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.delivery().SaveOutcomes("owner", outcomes, &applied));
    CSMS_RETURN_IF_ERROR(tx.delivery().NextDueTime(&next_due));
    return errors::Internal("the pass fails after its statements");
  });
  EXPECT_FALSE(failed.ok());
  int64_t pending = -1;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().CountPending(&pending); }).ok());
  EXPECT_EQ(pending, 3);

  // A pass that commits: the outcomes saved and the next due time (r3's) known once it returns.
  applied.clear();
  next_due.reset();
  ASSERT_TRUE(store_
                  ->WriteRelaxed([&](Transaction& tx) -> Status {
                    CSMS_RETURN_IF_ERROR(tx.delivery().SaveOutcomes("owner", outcomes, &applied));
                    std::vector<ClaimedNotification> none;
                    CSMS_RETURN_IF_ERROR(tx.delivery().ClaimDue(20, 60'000, "owner", 10, &none));
                    if (!none.empty()) return errors::Internal("claimed a row twice");
                    return tx.delivery().NextDueTime(&next_due);
                  })
                  .ok());
  EXPECT_EQ(applied, (std::vector<bool>{true, true}));
  EXPECT_EQ(next_due, std::optional<int64_t>(5'000));
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().CountPending(&pending); }).ok());
  EXPECT_EQ(pending, 1);
  RecordDetail detail;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().GetRecord(kProjectA, "r1", &detail); }).ok());
  EXPECT_EQ(detail.record.notification_status, NotificationStatus::kSuccess);
  ASSERT_EQ(detail.attempts.size(), 1u);
  EXPECT_EQ(detail.attempts[0].http_status, 200);
}

TEST_F(PostgresPipelineTest, ATransactionThatRunsNothingCommitsAndOneThatFailsChangesNothing) {
  EXPECT_TRUE(store_->Write([](Transaction&) { return Status::OK(); }).ok());
  EXPECT_TRUE(store_->Read([](Transaction&) { return Status::OK(); }).ok());
  // The second insert hits the first one's name: the whole write is rolled back.
  Status s = store_->Write([](Transaction& tx) {
    CSMS_RETURN_IF_ERROR(tx.events().Insert(MakeEvent(kProjectB, "twice")));
    return tx.events().Insert(MakeEvent(kProjectB, "twice"));
  });
  EXPECT_FALSE(s.ok());
  int64_t count = -1;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.events().Count(kProjectB, &count); }).ok());
  EXPECT_EQ(count, 0);
  // The connection went back to the pool in a usable state.
  EXPECT_TRUE(store_->Write([](Transaction& tx) { return tx.events().Insert(MakeEvent(kProjectB, "once")); }).ok());
}

}  // namespace
}  // namespace csms::test
