// The dispatcher when things go wrong: the store refuses its writes (claims and outcomes wait,
// nothing is lost or sent twice), a claim's outcome is never saved (the attempt log shows it as
// in doubt when the lease is released at start or claimed again after it ran out), and the one
// classification of an answer that deliveries and test notifications share.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "common/errors.h"
#include "crypto/keyring.h"
#include "notify/attempt.h"
#include "notify/dispatcher.h"
#include "notify/metrics.h"
#include "service/webhook_secrets.h"
#include "store/store.h"
#include "support/delivery_store_calls.h"
#include "support/webhook_receiver.h"

namespace csms {
namespace {

using namespace std::chrono_literals;

// --- the one classification --------------------------------------------------------------------

net::ResponseInfo Answer(int status, std::string retry_after = "", std::string body = "") {
  net::ResponseInfo r;
  r.status = status;
  r.retry_after = std::move(retry_after);
  r.body_prefix = std::move(body);
  r.latency = std::chrono::microseconds(42);
  if (status == 0) r.error = "connection refused";
  return r;
}

TEST(AttemptClassification, OneRuleForEveryAnswer) {
  using notify::Verdict;
  EXPECT_EQ(notify::ClassifyAnswer(TargetType::kWebhook, Answer(204)).verdict, Verdict::kSuccess);
  EXPECT_EQ(notify::ClassifyAnswer(TargetType::kWebhook, Answer(404)).verdict, Verdict::kFail);
  EXPECT_EQ(notify::ClassifyAnswer(TargetType::kSmn, Answer(404)).verdict, Verdict::kInvalid);
  EXPECT_EQ(notify::ClassifyAnswer(TargetType::kSmn, Answer(500)).verdict, Verdict::kRetryable);
  auto refused = notify::ClassifyAnswer(TargetType::kWebhook, Answer(0));
  EXPECT_EQ(refused.verdict, Verdict::kRetryable);
  EXPECT_EQ(refused.error, "connection refused");
  auto busy = notify::ClassifyAnswer(TargetType::kWebhook, Answer(503, "7", "busy\nnow"));
  EXPECT_EQ(busy.verdict, Verdict::kRetryable);
  EXPECT_EQ(busy.retry_after, "7");
  EXPECT_EQ(busy.error, "HTTP 503");  // the answer's body is never kept
  EXPECT_EQ(busy.latency_us, 42);
  // Retry-After counts for 429 and 503 only.
  EXPECT_EQ(notify::ClassifyAnswer(TargetType::kWebhook, Answer(500, "7")).retry_after, "");
  EXPECT_EQ(notify::ClassifyAnswer(TargetType::kWebhook, Answer(429, "7")).retry_after, "7");
}

// --- in-doubt attempts in the store ------------------------------------------------------------

class InDoubtStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions o;
    o.path = ":memory:";
    ASSERT_TRUE(OpenSqliteStore(o, &store_).ok());
    test::InsertRecord(*store_, test::DeliveryRecord("a", 100));
  }
  std::vector<ClaimedNotification> Claim(int64_t now, const std::string& owner) {
    std::vector<ClaimedNotification> out;
    EXPECT_TRUE(
        store_->Write([&](Transaction& tx) { return tx.delivery().ClaimDue(now, now + 1000, owner, 10, &out); }).ok());
    return out;
  }
  bool Save(const std::string& owner, int64_t number, int64_t time) {
    DeliveryOutcome o;
    o.record_id = "a";
    o.attempt = DeliveryAttempt{number, time, 200, 10, ""};
    o.status = NotificationStatus::kSuccess;
    o.round_start = time;
    bool applied = false;
    EXPECT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().SaveOutcome(owner, o, &applied); }).ok());
    return applied;
  }
  RecordDetail Detail() {
    RecordDetail d;
    EXPECT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().GetRecord("p", "a", &d); }).ok());
    return d;
  }
  std::unique_ptr<Store> store_;
};

TEST_F(InDoubtStoreTest, ReleasingALeaseAtStartLogsItsAttemptAsInDoubt) {
  ASSERT_EQ(Claim(1000, "dead").size(), 1u);
  int64_t released = 0;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().ReleaseAllLeases(1500, &released); }).ok());
  EXPECT_EQ(released, 1);
  RecordDetail d = Detail();
  EXPECT_EQ(d.attempt_count, 1);
  ASSERT_EQ(d.attempts.size(), 1u);
  EXPECT_TRUE(d.attempts[0].in_doubt);
  EXPECT_EQ(d.attempts[0].number, 1);
  EXPECT_EQ(d.attempts[0].time, 1500);
  EXPECT_EQ(d.attempts[0].http_status, 0);
  EXPECT_EQ(d.attempts[0].error, kInDoubtAfterRestart);
  EXPECT_EQ(d.last_error, std::string(kInDoubtAfterRestart));
  // The next claim continues the numbering; its outcome is attempt 2.
  auto again = Claim(1500, "new");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt_count, 1);
  ASSERT_TRUE(Save("new", again[0].attempt_count + 1, 1600));
  d = Detail();
  EXPECT_EQ(d.attempt_count, 2);
  ASSERT_EQ(d.attempts.size(), 2u);
  EXPECT_TRUE(d.attempts[0].in_doubt);
  EXPECT_FALSE(d.attempts[1].in_doubt);
  EXPECT_EQ(d.attempts[1].http_status, 200);
  EXPECT_FALSE(d.last_error);
  // Nothing left to release: no second in-doubt attempt.
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().ReleaseAllLeases(1700, &released); }).ok());
  EXPECT_EQ(released, 0);
  EXPECT_EQ(Detail().attempts.size(), 2u);
}

TEST_F(InDoubtStoreTest, ClaimingARunOutLeaseLogsItsAttemptAsInDoubt) {
  ASSERT_EQ(Claim(1000, "one").size(), 1u);  // lease until 2000
  EXPECT_TRUE(Claim(1999, "two").empty());
  EXPECT_TRUE(Detail().attempts.empty());  // a lease that still runs is no doubt
  auto taken = Claim(2000, "two");
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].attempt_count, 1);
  RecordDetail d = Detail();
  EXPECT_EQ(d.attempt_count, 1);
  ASSERT_EQ(d.attempts.size(), 1u);
  EXPECT_TRUE(d.attempts[0].in_doubt);
  EXPECT_EQ(d.attempts[0].error, kInDoubtLeaseExpired);
  // The first owner's late answer is not saved: attempt 1 stays in doubt.
  EXPECT_FALSE(Save("one", 1, 2100));
  ASSERT_TRUE(Save("two", taken[0].attempt_count + 1, 2200));
  d = Detail();
  EXPECT_EQ(d.attempt_count, 2);
  ASSERT_EQ(d.attempts.size(), 2u);
  EXPECT_TRUE(d.attempts[0].in_doubt);
  EXPECT_FALSE(d.attempts[1].in_doubt);
  EXPECT_EQ(d.record.notification_status, NotificationStatus::kSuccess);
}

TEST_F(InDoubtStoreTest, AnAnswerThatComesAfterItsOwnLeaseWasRenewedReplacesTheDoubt) {
  // The --dev clock can move past a lease while the same dispatcher still waits for the answer:
  // its claim renews the lease, and the answer, when it comes, is the attempt that was in doubt.
  auto first = Claim(1000, "one");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(Claim(5000, "one").size(), 1u);
  EXPECT_TRUE(Detail().attempts[0].in_doubt);
  ASSERT_TRUE(Save("one", first[0].attempt_count + 1, 5100));
  RecordDetail d = Detail();
  EXPECT_EQ(d.attempt_count, 1);
  ASSERT_EQ(d.attempts.size(), 1u);
  EXPECT_FALSE(d.attempts[0].in_doubt);
  EXPECT_EQ(d.attempts[0].http_status, 200);
}

// --- the dispatcher when the store fails -------------------------------------------------------

// A store whose writes can be made to fail, as a full disk or a lost database would.
class FailingStore : public Store {
 public:
  explicit FailingStore(Store* inner) : inner_(inner) {}
  Status Read(const TxFn& fn) override { return inner_->Read(fn); }
  Status Write(const TxFn& fn) override { return Refused() ? Down() : inner_->Write(fn); }
  Status WriteRelaxed(const TxFn& fn) override { return Refused() ? Down() : inner_->WriteRelaxed(fn); }

  std::atomic<bool> failing{false};
  std::atomic<int> refused{0};

 private:
  bool Refused() {
    if (!failing) return false;
    ++refused;
    return true;
  }
  static Status Down() { return errors::Unavailable("the store is down (test)"); }
  Store* inner_;
};

class DispatcherStoreFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/csms-dispatch-fail-XXXXXX";
    dir_ = mkdtemp(tmpl);
    SqliteOptions o;
    o.path = dir_ + "/csms.db";
    o.synchronous_full = false;
    ASSERT_TRUE(OpenSqliteStore(o, &inner_).ok());
    store_ = std::make_unique<FailingStore>(inner_.get());
    secrets_ = std::make_unique<WebhookSecrets>(store_.get(), &keyring_, &clock_);
    std::string secret;
    ASSERT_TRUE(store_->Write([&](Transaction& tx) { return secrets_->Create(tx, "p", "ev", &secret); }).ok());
    NotificationRecord r;
    r.record_id = "rec-1";
    r.project_id = "p";
    r.event_name = "ev";
    r.create_time = clock_.NowMillis();
    r.secret_name = "s";
    r.secret_type = "COMMON";
    r.target_type = "WEBHOOK";
    r.notification_target_id = receiver_.Url();
    r.notification_target_name = "t";
    r.notification_content = R"({"n":1})";
    r.next_attempt_at = r.create_time;
    ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.records().Insert(r); }).ok());
    options_.poll_interval = 50ms;
    options_.drain_timeout = 1s;
  }
  void TearDown() override {
    store_.reset();
    inner_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<notify::Dispatcher> NewDispatcher() {
    return std::make_unique<notify::Dispatcher>(store_.get(), &clock_, &clock_, secrets_.get(), &metrics_, options_);
  }
  RecordDetail Detail() {
    RecordDetail d;
    EXPECT_TRUE(inner_->Read([&](Transaction& tx) { return tx.delivery().GetRecord("p", "rec-1", &d); }).ok());
    return d;
  }
  bool WaitForStatus(NotificationStatus status) {
    return test::WaitUntil([&] { return Detail().record.notification_status == status; }, 30s);
  }

  std::string dir_;
  std::unique_ptr<Store> inner_;
  std::unique_ptr<FailingStore> store_;
  crypto::Keyring keyring_ = crypto::Keyring::Ephemeral();
  SystemClock clock_;
  std::unique_ptr<WebhookSecrets> secrets_;
  test::WebhookReceiver receiver_;
  notify::DeliveryMetrics metrics_;
  notify::DispatcherOptions options_;
};

TEST_F(DispatcherStoreFailureTest, ClaimsWaitForTheStoreAndNothingIsLost) {
  options_.release_leases_at_start = false;  // (Start's own write would fail first)
  store_->failing = true;
  auto d = NewDispatcher();
  ASSERT_TRUE(d->Start().ok());
  // The dispatcher tried, failed and tried again; nothing could be claimed, so nothing was sent.
  ASSERT_TRUE(test::WaitUntil([&] { return store_->refused >= 3; }, 30s));
  EXPECT_EQ(receiver_.Count(), 0u);
  EXPECT_EQ(Detail().record.notification_status, NotificationStatus::kPending);
  store_->failing = false;
  ASSERT_TRUE(WaitForStatus(NotificationStatus::kSuccess));
  d->Stop();
  EXPECT_EQ(receiver_.Count(), 1u);
  RecordDetail detail = Detail();
  EXPECT_EQ(detail.attempt_count, 1);
  ASSERT_EQ(detail.attempts.size(), 1u);
  EXPECT_EQ(detail.attempts[0].http_status, 200);
}

TEST_F(DispatcherStoreFailureTest, AnOutcomeThatCannotBeSavedIsKeptUntilTheStoreRecovers) {
  // The store goes down while the receiver answers: saving that outcome fails.
  receiver_.SetResponder([&](const test::ReceivedRequest&, size_t) {
    store_->failing = true;
    return test::Reply{};
  });
  auto d = NewDispatcher();
  ASSERT_TRUE(d->Start().ok());
  ASSERT_TRUE(receiver_.WaitForCount(1, 30s));
  const int refused_at_answer = store_->refused;
  ASSERT_TRUE(test::WaitUntil([&] { return store_->refused >= refused_at_answer + 3; }, 30s));
  EXPECT_EQ(Detail().record.notification_status, NotificationStatus::kPending);  // not saved yet
  store_->failing = false;
  ASSERT_TRUE(WaitForStatus(NotificationStatus::kSuccess));
  d->Stop();
  // The kept outcome was saved: one request, one attempt, not delivered again.
  EXPECT_EQ(receiver_.Count(), 1u);
  RecordDetail detail = Detail();
  EXPECT_EQ(detail.attempt_count, 1);
  ASSERT_EQ(detail.attempts.size(), 1u);
  EXPECT_EQ(detail.attempts[0].http_status, 200);
  EXPECT_FALSE(detail.attempts[0].in_doubt);
}

TEST_F(DispatcherStoreFailureTest, StopWithTheStoreDownEndsInTimeAndTheNextStartRedeliversInDoubt) {
  receiver_.SetResponder([&](const test::ReceivedRequest&, size_t index) {
    if (index == 0) store_->failing = true;
    return test::Reply{};
  });
  auto d = NewDispatcher();
  ASSERT_TRUE(d->Start().ok());
  ASSERT_TRUE(receiver_.WaitForCount(1, 30s));
  const int refused_at_answer = store_->refused;
  ASSERT_TRUE(test::WaitUntil([&] { return store_->refused > refused_at_answer; }, 30s));
  auto start = std::chrono::steady_clock::now();
  d->Stop();  // the outcome cannot be saved: Stop gives up after the drain time
  EXPECT_LT(std::chrono::steady_clock::now() - start, options_.drain_timeout + 10s);
  EXPECT_EQ(Detail().record.notification_status, NotificationStatus::kPending);

  // A new process (the store back): the claim of the old one is released as in doubt and the
  // notification goes out again with the same webhook-id.
  store_->failing = false;
  d = NewDispatcher();
  ASSERT_TRUE(d->Start().ok());
  ASSERT_TRUE(WaitForStatus(NotificationStatus::kSuccess));
  d->Stop();
  auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("webhook-id"), "rec-1");
  EXPECT_EQ(requests[1].Header("webhook-id"), "rec-1");
  RecordDetail detail = Detail();
  EXPECT_EQ(detail.attempt_count, 2);
  ASSERT_EQ(detail.attempts.size(), 2u);
  EXPECT_TRUE(detail.attempts[0].in_doubt);
  EXPECT_FALSE(detail.attempts[1].in_doubt);
  EXPECT_EQ(detail.attempts[1].http_status, 200);
}

}  // namespace
}  // namespace csms
