// Store::WriteAsync on the SQLite store (decision NN), through the secret service's asynchronous
// creates: the completion runs only after the group holding the write committed (nothing runs while
// the writer is held, so "not yet" needs no timing), asynchronous and synchronous writes share groups
// and each gets the answer it would have had alone, a full queue and a closing store answer at once,
// an exception fails its write alone, and the completion runs on the writer's thread, where a
// synchronous Store call is refused rather than deadlocking.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/errors.h"
#include "crypto/key_store.h"
#include "service/secret_service.h"
#include "service/secret_vault.h"
#include "store/store.h"
#include "support/dev_fixture.h"
#include "support/wait.h"

namespace csms {
// Named, not anonymous: the unity build compiles several test files together (Makefile).
namespace async_write_store_test {

using std::chrono::seconds;
const std::string kProject = test::kDevProject;

// One asynchronous result, set once by a completion on whatever thread runs it.
struct Outcome {
  std::mutex mu;
  std::optional<Status> status;
  std::string name;
  std::thread::id thread;

  void Set(Status s, std::string n = "") {
    std::lock_guard<std::mutex> lock(mu);
    status = std::move(s);
    name = std::move(n);
    thread = std::this_thread::get_id();
  }
  bool done() {
    std::lock_guard<std::mutex> lock(mu);
    return status.has_value();
  }
  Status Get() {
    std::lock_guard<std::mutex> lock(mu);
    return status.value_or(errors::Internal("not answered"));
  }
};

class AsyncWriteStoreTest : public ::testing::Test {
 protected:
  void Open(SqliteOptions options = {}) {
    options.path = ":memory:";
    ASSERT_TRUE(OpenSqliteStore(options, &store_).ok());
    keys_.Add("csms/default", crypto::Keyring::Ephemeral());
    vault_ = std::make_unique<SecretVault>(&keys_, std::vector<int64_t>{});
    SecretServiceOptions o;
    o.secret_quota = 5;
    secrets_ = std::make_unique<SecretService>(store_.get(), &clock_, vault_.get(), o);
  }
  static CreateSecretCommand Command(const std::string& name) {
    CreateSecretCommand c;
    c.name = name;
    c.secret_string = "value of " + name;
    return c;
  }
  std::shared_ptr<Outcome> CreateAsync(const std::string& name) {
    auto out = std::make_shared<Outcome>();
    secrets_->CreateAsync(kProject, Command(name), [out](Status s, Secret secret) { out->Set(s, secret.name); });
    return out;
  }
  // CreateAsync, returning once the write waits in the writer's queue.
  std::shared_ptr<Outcome> QueueAsync(const std::string& name) {
    const int64_t depth = store_->stats().queue_depth;
    auto out = CreateAsync(name);
    EXPECT_EQ(store_->stats().queue_depth, depth + 1) << "the write did not queue at once";
    return out;
  }
  Status Create(const std::string& name) {
    Secret out;
    return secrets_->Create(kProject, Command(name), &out);
  }
  std::vector<std::string> Names() {
    Page<Secret> page;
    EXPECT_TRUE(secrets_->List(kProject, "", std::nullopt, 100, &page).ok());
    std::vector<std::string> names;
    for (const Secret& s : page.items) names.push_back(s.name);
    std::sort(names.begin(), names.end());
    return names;
  }
  static bool Answered(const std::shared_ptr<Outcome>& o) {
    return test::WaitUntil([&] { return o->done(); }, seconds(30));
  }

  SystemClock clock_;
  std::unique_ptr<Store> store_;
  crypto::KeyStore keys_;
  std::unique_ptr<SecretVault> vault_;
  std::unique_ptr<SecretService> secrets_;
};

TEST_F(AsyncWriteStoreTest, TheCompletionRunsOnlyAfterTheCommit) {
  Open();
  ASSERT_TRUE(store_->WritesAsync());
  const StoreStats before = store_->stats();
  store_->HoldWrites(true);
  auto held = QueueAsync("held");
  EXPECT_FALSE(held->done()) << "answered while the writer is held: before any commit";
  EXPECT_EQ(store_->stats().groups, before.groups);
  EXPECT_EQ(store_->stats().async_jobs, before.async_jobs + 1);
  store_->HoldWrites(false);
  ASSERT_TRUE(Answered(held));
  EXPECT_TRUE(held->Get().ok()) << held->Get().ToString();
  EXPECT_EQ(held->name, "held");
  EXPECT_NE(held->thread, std::this_thread::get_id()) << "the completion runs on the writer's thread";
  EXPECT_EQ(store_->stats().groups, before.groups + 1);
  EXPECT_EQ(Names(), (std::vector<std::string>{"held"}));
}

TEST_F(AsyncWriteStoreTest, AsynchronousAndSynchronousWritesShareAGroupAndAnswerAsIfAlone) {
  Open();
  ASSERT_TRUE(Create("taken").ok());
  ASSERT_TRUE(Create("other").ok());
  const StoreStats before = store_->stats();
  store_->HoldWrites(true);
  auto first = QueueAsync("new-1");
  auto dup = QueueAsync("taken");
  Status sync_result;
  std::thread sync([&] { sync_result = Create("new-2"); });
  ASSERT_TRUE(test::WaitUntil([&] { return store_->stats().queue_depth == 3; }, seconds(30)));
  auto third = QueueAsync("new-3");
  auto over = QueueAsync("over");  // the quota of 5 is full, counting the group's own rows
  store_->HoldWrites(false);
  sync.join();
  for (const auto& o : {first, dup, third, over}) ASSERT_TRUE(Answered(o));
  EXPECT_TRUE(first->Get().ok()) << first->Get().ToString();
  EXPECT_TRUE(sync_result.ok()) << sync_result.ToString();
  EXPECT_TRUE(third->Get().ok()) << third->Get().ToString();
  EXPECT_EQ(dup->Get().code(), errors::SecretNameExists("").code()) << dup->Get().ToString();
  EXPECT_EQ(over->Get().code(), errors::SecretQuotaReached("").code()) << over->Get().ToString();
  EXPECT_EQ(Names(), (std::vector<std::string>{"new-1", "new-2", "new-3", "other", "taken"}));
  const StoreStats after = store_->stats();
  EXPECT_EQ(after.groups, before.groups + 1);
  EXPECT_EQ(after.last_group_size, 5);
  EXPECT_EQ(after.jobs_failed, before.jobs_failed + 2);
}

TEST_F(AsyncWriteStoreTest, AFullQueueAndAClosingStoreAnswerAtOnce) {
  SqliteOptions options;
  options.write_queue = 1;
  Open(options);
  store_->HoldWrites(true);
  auto queued = QueueAsync("queued");
  auto refused = CreateAsync("refused");
  ASSERT_TRUE(refused->done()) << "a write beyond the queue bound must be refused before WriteAsync returns";
  EXPECT_EQ(refused->Get().code(), errors::Unavailable("").code());
  EXPECT_EQ(refused->thread, std::this_thread::get_id());
  EXPECT_EQ(store_->stats().rejected, 1);
  // Closing the store runs what is queued, held or not, and answers it.
  store_.reset();
  EXPECT_TRUE(queued->done()) << "the store closed without answering a queued write";
  EXPECT_TRUE(queued->Get().ok()) << queued->Get().ToString();
}

TEST_F(AsyncWriteStoreTest, AnExceptionFailsItsWriteAloneAndACompletionCannotWaitForTheWriter) {
  Open();
  store_->HoldWrites(true);
  auto ok = QueueAsync("fine");
  auto thrown = std::make_shared<Outcome>();
  store_->WriteAsync([](Transaction&) -> Status { throw std::runtime_error("boom"); },
                     [thrown](Status s) { thrown->Set(std::move(s)); });
  // A completion that calls the store synchronously would wait for the writer it runs on.
  auto nested = std::make_shared<Outcome>();
  store_->WriteAsync([](Transaction&) { return Status::OK(); },
                     [this, nested](Status) { nested->Set(store_->Write([](Transaction&) { return Status::OK(); })); });
  store_->HoldWrites(false);
  for (const auto& o : {ok, thrown, nested}) ASSERT_TRUE(Answered(o));
  EXPECT_TRUE(ok->Get().ok()) << ok->Get().ToString();
  EXPECT_EQ(thrown->Get().kind(), Status::Kind::kInternal);
  EXPECT_EQ(nested->Get().kind(), Status::Kind::kInternal) << "Store::Write from a completion must be refused";
  EXPECT_EQ(Names(), (std::vector<std::string>{"fine"}));
}

TEST_F(AsyncWriteStoreTest, ALoneAsynchronousWriteCommitsWithoutCompany) {
  Open();
  for (int i = 0; i < 3; ++i) {
    auto o = CreateAsync("alone-" + std::to_string(i));
    ASSERT_TRUE(Answered(o));
    EXPECT_TRUE(o->Get().ok()) << o->Get().ToString();
  }
  EXPECT_EQ(Names(), (std::vector<std::string>{"alone-0", "alone-1", "alone-2"}));
  // A checked error never reaches the writer: answered at once, on this thread.
  const StoreStats before = store_->stats();
  CreateSecretCommand bad;
  bad.name = "no value";
  auto out = std::make_shared<Outcome>();
  secrets_->CreateAsync(kProject, bad, [out](Status s, Secret) { out->Set(std::move(s)); });
  ASSERT_TRUE(out->done());
  EXPECT_EQ(out->Get().http_status(), 400);
  EXPECT_EQ(store_->stats().async_jobs, before.async_jobs);
}

}  // namespace async_write_store_test
}  // namespace csms
