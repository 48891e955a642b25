// PostgreSQL's outbox (schema.cc, migration 3; decision 127): a PENDING notification's delivery
// state lives in a narrow `outbox` row, which the claim and a retry write instead of the record
// row; a final outcome deletes it and updates the record; deleting a record takes its outbox row
// with it; redelivery makes one again; and migration 3 carries the PENDING rows of a database made
// by the previous schema (with their lease state) into the outbox, where they are delivered.
// PostgreSQL only: the pg. variant of the suite runs these (CSMS_TEST_ENGINE=postgresql).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "domain/delivery.h"
#include "domain/notification_record.h"
#include "store/postgres/postgres_store.h"
#include "store/store.h"
#include "support/delivery_store_calls.h"
#include "support/engine.h"
#include "support/postgres.h"

namespace csms::test {
namespace {

#define CSMS_SKIP_UNLESS_POSTGRES() \
  if (!TestEngineIsPostgres()) GTEST_SKIP() << "PostgreSQL only (its pg. variant runs it)"

class PostgresOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CSMS_SKIP_UNLESS_POSTGRES();
    ASSERT_TRUE(db_.ok());
    Open();
  }

  void Open() {
    store_.reset();
    PostgresOptions options;
    options.url = db_.url();
    options.password = db_.server().password;
    options.max_connections = 2;
    Status s = OpenPostgresStore(options, &store_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // The first column of the first row of `sql` ("" when there is none); a failed query fails the test.
  std::string Value(const std::string& sql) {
    std::string v;
    std::string error = db_.Exec(sql, &v);
    EXPECT_EQ(error, "") << sql;
    return v;
  }
  std::string OutboxRows(const std::string& id) { return Value("SELECT count(*) FROM outbox WHERE id = '" + id + "'"); }

  void Insert(const std::string& id, int64_t due, NotificationStatus status = NotificationStatus::kPending) {
    InsertRecord(*store_, DeliveryRecord(id, due, status));
  }
  std::vector<ClaimedNotification> Claim(int64_t now, int64_t lease_until, const std::string& owner) {
    return ClaimDue(*store_, now, lease_until, owner, 100);
  }
  std::vector<bool> Save(const std::string& owner, const std::vector<DeliveryOutcome>& outcomes) {
    return SaveOutcomes(*store_, owner, outcomes);
  }
  RecordDetail Get(const std::string& id) { return GetRecord(*store_, id); }
  static DeliveryOutcome Success(const std::string& id, int64_t number, int64_t time) {
    return SuccessOutcome(id, number, time, 10, time);
  }
  static DeliveryOutcome Retry(const std::string& id, int64_t number, int64_t time, int64_t next) {
    DeliveryOutcome o;
    o.record_id = id;
    o.attempt = DeliveryAttempt{number, time, 503, 10, "HTTP 503"};
    o.status = NotificationStatus::kPending;
    o.next_attempt_at = next;
    o.round_attempts = 1;
    o.round_start = time;
    return o;
  }

  PostgresTestDatabase db_;
  std::unique_ptr<Store> store_;
};

TEST_F(PostgresOutboxTest, TheClaimWritesOnlyTheOutboxAFinalOutcomeDeletesItARetryKeepsIt) {
  Insert("a", 100);
  Insert("b", 200);
  Insert("done", 300, NotificationStatus::kInvalid);  // a final record has no outbox row
  EXPECT_EQ(OutboxRows("a"), "1");
  EXPECT_EQ(OutboxRows("done"), "0");
  const std::string a_version = Value("SELECT xmin::text || ctid::text FROM notifications WHERE id = 'a'");

  ASSERT_EQ(Claim(1000, 60'000, "one").size(), 2u);
  // The claim left the record row as it was (no new row version), and leased the outbox row.
  EXPECT_EQ(Value("SELECT xmin::text || ctid::text FROM notifications WHERE id = 'a'"), a_version);
  EXPECT_EQ(Value("SELECT lease_owner || ' ' || next_attempt_at FROM outbox WHERE id = 'a'"), "one 60000");
  // The record shows the lease's end as its next attempt, as before the outbox.
  EXPECT_EQ(Get("a").record.next_attempt_at, 60'000);

  EXPECT_EQ(Save("one", {Success("a", 1, 1100), Retry("b", 1, 1100, 5000)}), (std::vector<bool>{true, true}));
  // a: final, no outbox row; the record carries the outcome.
  EXPECT_EQ(OutboxRows("a"), "0");
  RecordDetail a = Get("a");
  EXPECT_EQ(a.record.notification_status, NotificationStatus::kSuccess);
  EXPECT_EQ(a.attempt_count, 1);
  EXPECT_EQ(a.final_time, 1100);
  EXPECT_EQ(a.record.next_attempt_at, std::nullopt);
  // b: still PENDING, its one outbox row free and due at the retry time; the record row untouched.
  const std::string b_version = Value("SELECT xmin::text || ctid::text FROM notifications WHERE id = 'b'");
  EXPECT_EQ(OutboxRows("b"), "1");
  EXPECT_EQ(Value("SELECT coalesce(lease_owner, 'free') || ' ' || next_attempt_at || ' ' || attempt_count || ' ' || "
                  "last_error FROM outbox WHERE id = 'b'"),
            "free 5000 1 HTTP 503");
  RecordDetail b = Get("b");
  EXPECT_EQ(b.record.notification_status, NotificationStatus::kPending);
  EXPECT_EQ(b.record.next_attempt_at, 5000);
  EXPECT_EQ(b.attempt_count, 1);
  EXPECT_EQ(b.last_error, "HTTP 503");
  EXPECT_TRUE(Claim(4999, 70'000, "two").empty());
  auto again = Claim(5000, 70'000, "two");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].record_id, "b");
  EXPECT_EQ(again[0].attempt_count, 1);
  EXPECT_EQ(again[0].round_attempts, 1);
  EXPECT_EQ(Value("SELECT xmin::text || ctid::text FROM notifications WHERE id = 'b'"), b_version);
  EXPECT_EQ(Save("two", {Success("b", 2, 5100)}), std::vector<bool>{true});
  EXPECT_EQ(Value("SELECT count(*) FROM outbox"), "0");
  EXPECT_EQ(Get("b").attempt_count, 2);
  // The old partial dispatch index on the record rows is gone; the outbox has its own.
  EXPECT_EQ(Value("SELECT count(*) FROM pg_indexes WHERE indexname = 'notifications_dispatch'"), "0");
  EXPECT_EQ(Value("SELECT count(*) FROM pg_indexes WHERE indexname = 'outbox_due'"), "1");
}

TEST_F(PostgresOutboxTest, ReleasedLeasesStayInTheOutboxAndCountAnInDoubtAttempt) {
  Insert("a", 100);
  ASSERT_EQ(Claim(1000, 60'000, "one").size(), 1u);
  int64_t released = 0;
  ASSERT_TRUE(
      store_->Write([&](Transaction& tx) { return tx.delivery().ReleaseLeasesOf("one", 2000, &released); }).ok());
  EXPECT_EQ(released, 1);
  EXPECT_EQ(Value("SELECT coalesce(lease_owner, 'free') || ' ' || next_attempt_at FROM outbox WHERE id = 'a'"),
            "free 2000");
  RecordDetail a = Get("a");
  EXPECT_EQ(a.attempt_count, 1);
  ASSERT_EQ(a.attempts.size(), 1u);
  EXPECT_TRUE(a.attempts[0].in_doubt);
  int64_t pending = 0;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().CountPending(&pending); }).ok());
  EXPECT_EQ(pending, 1);
  std::optional<int64_t> due;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().NextDueTime(&due); }).ok());
  EXPECT_EQ(due, 2000);
  auto claimed = Claim(2000, 60'000, "two");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].attempt_count, 1);  // the next attempt is number 2
}

TEST_F(PostgresOutboxTest, DeletingARecordTakesItsOutboxRowRetentionLeavesPendingOnes) {
  Insert("pending", 100);
  Insert("old-final", 100);
  ASSERT_EQ(Claim(1000, 60'000, "one").size(), 2u);
  ASSERT_EQ(Save("one", {Success("old-final", 1, 1100)}), std::vector<bool>{true});
  // Retention deletes final records only: the PENDING one and its outbox row stay.
  int64_t deleted = 0;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.records().PurgeOlderThan(10'000, 100, &deleted); }).ok());
  EXPECT_EQ(deleted, 1);
  EXPECT_EQ(OutboxRows("pending"), "1");
  // A record deleted by any other way takes its outbox row (and attempts) with it.
  ASSERT_EQ(db_.Exec("DELETE FROM notifications WHERE id = 'pending'"), "");
  EXPECT_EQ(OutboxRows("pending"), "0");
  EXPECT_TRUE(Claim(100'000, 200'000, "two").empty());
}

TEST_F(PostgresOutboxTest, RedeliveryMakesAnOutboxRowUnlessTheRecordIsInFlight) {
  Insert("a", 100);
  Insert("b", 100);
  ASSERT_EQ(Claim(1000, 60'000, "one").size(), 2u);
  DeliveryOutcome fail = Success("a", 1, 1100);
  fail.status = NotificationStatus::kFail;
  fail.attempt.error = "HTTP 400";
  ASSERT_EQ(Save("one", {fail}), std::vector<bool>{true});
  EXPECT_EQ(OutboxRows("a"), "0");

  // b is in flight: redelivering it changes nothing.
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().Redeliver("p", "b", 2000); }).ok());
  EXPECT_EQ(Value("SELECT lease_owner || ' ' || next_attempt_at FROM outbox WHERE id = 'b'"), "one 60000");
  // a is final: it becomes PENDING, due now, with its attempt count and last error kept.
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().Redeliver("p", "a", 2000); }).ok());
  EXPECT_EQ(Value("SELECT coalesce(lease_owner, 'free') || ' ' || next_attempt_at || ' ' || attempt_count || ' ' || "
                  "round_attempts FROM outbox WHERE id = 'a'"),
            "free 2000 1 0");
  RecordDetail a = Get("a");
  EXPECT_EQ(a.record.notification_status, NotificationStatus::kPending);
  EXPECT_EQ(a.record.next_attempt_at, 2000);
  EXPECT_EQ(a.final_time, std::nullopt);
  EXPECT_EQ(a.last_error, "HTTP 400");
  auto claimed = Claim(2000, 60'000, "two");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].record_id, "a");
  EXPECT_EQ(claimed[0].attempt_count, 1);
  ASSERT_EQ(Save("one", {fail}), std::vector<bool>{false});  // one's lease is gone
  ASSERT_EQ(Save("two", {Success("a", 2, 2100)}), std::vector<bool>{true});

  // Redrive (FAIL and INVALID by default) once b has failed too.
  fail.record_id = "b";
  ASSERT_EQ(Save("one", {fail}), std::vector<bool>{true});
  RecordQuery q;
  q.project_id = "p";
  q.limit = 10;
  int64_t count = 0;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().Redrive(q, 3000, &count); }).ok());
  EXPECT_EQ(count, 1);
  EXPECT_EQ(OutboxRows("b"), "1");
  EXPECT_EQ(OutboxRows("a"), "0");  // SUCCESS is not redriven
  EXPECT_EQ(Get("b").record.notification_status, NotificationStatus::kPending);
}

// The dispatcher's transactions (WriteRelaxed) run with relaxed durability and plan only key
// lookups and nested loops (postgres_store.cc: a hash join planned on a small table read a whole
// primary key on every pass); the settings are local to them. Seen from a statement trigger on
// the outbox, which the claim fires.
TEST_F(PostgresOutboxTest, TheDispatchersTransactionsPlanOnlyNestedLoopsByKey) {
  ASSERT_EQ(db_.Exec(R"sql(
CREATE TABLE seen (settings TEXT NOT NULL);
CREATE FUNCTION see() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO seen SELECT current_setting('synchronous_commit') || ' ' || current_setting('enable_seqscan') || ' ' ||
    current_setting('enable_hashjoin') || ' ' || current_setting('enable_mergejoin');
  RETURN NULL;
END $$;
CREATE TRIGGER see AFTER UPDATE ON outbox FOR EACH STATEMENT EXECUTE FUNCTION see();
)sql"),
            "");
  Insert("a", 100);
  std::vector<ClaimedNotification> out;
  ASSERT_TRUE(
      store_->WriteRelaxed([&](Transaction& tx) { return tx.delivery().ClaimDue(1000, 60'000, "one", 10, &out); })
          .ok());
  ASSERT_EQ(out.size(), 1u);
  // A write afterwards on the same pooled connections has the defaults again.
  int64_t released = 0;
  ASSERT_TRUE(
      store_->Write([&](Transaction& tx) { return tx.delivery().ReleaseLeasesOf("one", 2000, &released); }).ok());
  EXPECT_EQ(released, 1);
  // (synchronous_commit's default is the server's: the test server runs with it off.)
  const std::string durable = Value("SELECT current_setting('synchronous_commit')");
  EXPECT_EQ(Value("SELECT string_agg(settings, ', ' ORDER BY ctid) FROM seen"),
            "off off off off, " + durable + " on on on");
}

// A database made by the previous schema (version 2: the dispatch index on the records, no
// outbox, eight record-page indexes), played by undoing migrations 4 and 3 on a new one: its PENDING
// rows, one of them leased by a process that is gone, move into the outbox when a csmsd of this
// version opens it, and are delivered; the three page indexes migration 4 makes redundant go.
TEST_F(PostgresOutboxTest, MigrationCarriesPendingRowsWithTheirLeases) {
  ASSERT_EQ(Value("SELECT max(version) FROM schema_version"), "4")
      << "a later migration: extend the downgrade below to play version 2";
  store_.reset();
  ASSERT_EQ(db_.Exec(R"sql(
CREATE INDEX notifications_by_time ON notifications (project_id, create_time DESC, id DESC);
CREATE INDEX notifications_page_s ON notifications (project_id, status, secret_name, create_time DESC, id DESC);
CREATE INDEX notifications_page_e ON notifications (project_id, status, event_name, create_time DESC, id DESC);
CREATE INDEX notifications_page_se
  ON notifications (project_id, status, secret_name, event_name, create_time DESC, id DESC);
DELETE FROM schema_version WHERE version = 4;
DROP TABLE outbox;
CREATE INDEX notifications_dispatch ON notifications (next_attempt_at) WHERE status = 'PENDING';
CREATE OR REPLACE FUNCTION csms_attempts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM attempts WHERE record_id = OLD.id;
  RETURN NULL;
END $$;
DELETE FROM schema_version WHERE version = 3;
INSERT INTO notifications (id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type,
  target_type, target_id, target_name, content, status, next_attempt_at, attempt_count, round_attempts, round_start,
  lease_owner, last_error, final_time) VALUES
 ('due', 'p', 'ev', 'SECRET_VERSION_CREATED', 1, 's', 'COMMON', 'WEBHOOK', 'http://h/', 't', '{}', 'PENDING',
  500, 2, 2, 100, NULL, 'HTTP 503', NULL),
 ('leased', 'p', 'ev', 'SECRET_VERSION_CREATED', 2, 's', 'COMMON', 'WEBHOOK', 'http://h/', 't', '{}', 'PENDING',
  900, 0, 0, NULL, 'gone', NULL, NULL),
 ('later', 'p', 'ev', 'SECRET_VERSION_CREATED', 3, 's', 'COMMON', 'WEBHOOK', 'http://h/', 't', '{}', 'PENDING',
  50000, 0, 0, NULL, NULL, NULL, NULL),
 ('final', 'p', 'ev', 'SECRET_VERSION_CREATED', 4, 's', 'COMMON', 'WEBHOOK', 'http://h/', 't', '{}', 'SUCCESS',
  NULL, 1, 0, 4, NULL, NULL, 10);
)sql"),
            "");
  ASSERT_EQ(Value("SELECT max(version) FROM schema_version"), "2");

  Open();  // migrates to 4
  EXPECT_EQ(Value("SELECT max(version) FROM schema_version"), "4");
  EXPECT_EQ(Value("SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes WHERE tablename = "
                  "'notifications' AND indexname LIKE 'notifications_%'"),
            "notifications_by_age notifications_page notifications_page_et notifications_page_set "
            "notifications_page_st notifications_page_t notifications_pkey");
  EXPECT_EQ(Value("SELECT string_agg(id || ':' || next_attempt_at || ':' || coalesce(lease_owner, '-') || ':' || "
                  "attempt_count || ':' || round_attempts, ' ' ORDER BY id) FROM outbox"),
            "due:500:-:2:2 later:50000:-:0:0 leased:900:gone:0:0");
  EXPECT_EQ(Value("SELECT count(*) FROM pg_indexes WHERE indexname = 'notifications_dispatch'"), "0");
  RecordDetail due = Get("due");
  EXPECT_EQ(due.attempt_count, 2);
  EXPECT_EQ(due.last_error, "HTTP 503");
  EXPECT_EQ(due.record.next_attempt_at, 500);

  // At 1000 both due rows are claimed: the one "gone" held has its lease run out, so its attempt
  // is logged as in doubt; "later" is not due yet.
  auto claimed = Claim(1000, 60'000, "new");
  ASSERT_EQ(claimed.size(), 2u);
  std::sort(claimed.begin(), claimed.end(), [](const auto& x, const auto& y) { return x.record_id < y.record_id; });
  EXPECT_EQ(claimed[0].record_id, "due");
  EXPECT_EQ(claimed[0].attempt_count, 2);
  EXPECT_EQ(claimed[0].round_attempts, 2);
  EXPECT_EQ(claimed[0].round_start, 100);
  EXPECT_EQ(claimed[1].record_id, "leased");
  EXPECT_EQ(claimed[1].attempt_count, 1);
  RecordDetail leased = Get("leased");
  ASSERT_EQ(leased.attempts.size(), 1u);
  EXPECT_TRUE(leased.attempts[0].in_doubt);
  EXPECT_EQ(Save("new", {Success("due", 3, 1100), Success("leased", 2, 1100)}), (std::vector<bool>{true, true}));
  EXPECT_EQ(Get("due").record.notification_status, NotificationStatus::kSuccess);
  EXPECT_EQ(Get("leased").record.notification_status, NotificationStatus::kSuccess);
  EXPECT_EQ(Get("leased").attempt_count, 2);
  std::optional<int64_t> next;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().NextDueTime(&next); }).ok());
  EXPECT_EQ(next, 50'000);
  // A record deleted after the migration still takes its outbox row (the trigger was replaced).
  ASSERT_EQ(db_.Exec("DELETE FROM notifications WHERE id = 'later'"), "");
  EXPECT_EQ(Value("SELECT count(*) FROM outbox"), "0");
}

}  // namespace
}  // namespace csms::test
