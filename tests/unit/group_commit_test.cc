// The SQLite store's group commit, through the secret service: writes queued while the writer is
// held run as one group (one transaction, one commit), each under its own savepoint, so a duplicate
// name and an over-quota create fail alone while the valid creates commit, and every caller gets
// the answer it would have had alone. Also: the write-queue bound, exceptions, and the writer
// refusing a Store call made from inside a write.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <future>
#include <memory>
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
namespace {

using std::chrono::seconds;
const std::string kProject = test::kDevProject;

class GroupCommitTest : public ::testing::Test {
 protected:
  void Open(SqliteOptions options) {
    options.path = ":memory:";
    ASSERT_TRUE(OpenSqliteStore(options, &store_).ok());
    keys_.Add("csms/default", crypto::Keyring::Ephemeral());
    vault_ = std::make_unique<SecretVault>(&keys_, std::vector<int64_t>{});
    SecretServiceOptions o;
    o.secret_quota = 5;
    secrets_ = std::make_unique<SecretService>(store_.get(), &clock_, vault_.get(), o);
  }
  Status Create(const std::string& name) {
    CreateSecretCommand c;
    c.name = name;
    c.secret_string = "value of " + name;
    Secret out;
    return secrets_->Create(kProject, c, &out);
  }
  std::vector<std::string> Names() {
    Page<Secret> page;
    EXPECT_TRUE(secrets_->List(kProject, "", std::nullopt, 100, &page).ok());
    std::vector<std::string> names;
    for (const Secret& s : page.items) names.push_back(s.name);
    std::sort(names.begin(), names.end());
    return names;
  }
  // Starts `fn` on a thread and returns once its write is queued behind the held writer.
  void Queue(std::vector<std::thread>* threads, std::function<void()> fn) {
    const int64_t depth = store_->stats().queue_depth;
    threads->emplace_back(std::move(fn));
    ASSERT_TRUE(test::WaitUntil([&] { return store_->stats().queue_depth == depth + 1; }, seconds(30)))
        << "the write never queued";
  }

  SystemClock clock_;
  std::unique_ptr<Store> store_;
  crypto::KeyStore keys_;
  std::unique_ptr<SecretVault> vault_;
  std::unique_ptr<SecretService> secrets_;
};

TEST_F(GroupCommitTest, FailuresInsideAGroupRollBackAloneAndEachCallerGetsItsOwnAnswer) {
  Open({});
  ASSERT_TRUE(Create("taken").ok());
  ASSERT_TRUE(Create("other").ok());
  const StoreStats before = store_->stats();

  store_->HoldWrites(true);
  ASSERT_TRUE(store_->stats().held);
  // In queue order: a valid create, a duplicate name, two valid creates (the quota of 5 is then
  // full, counting the group's own uncommitted rows), and one create too many.
  const std::vector<std::string> names = {"new-1", "taken", "new-2", "new-3", "over"};
  std::vector<Status> results(names.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < names.size(); ++i) {
    Queue(&threads, [this, i, &names, &results] { results[i] = Create(names[i]); });
  }
  EXPECT_EQ(store_->stats().queue_depth, 5);
  EXPECT_EQ(store_->stats().groups, before.groups) << "nothing ran while held";
  store_->HoldWrites(false);
  for (auto& t : threads) t.join();

  EXPECT_TRUE(results[0].ok()) << results[0].ToString();
  EXPECT_EQ(results[1].code(), errors::SecretNameExists("").code()) << results[1].ToString();
  EXPECT_TRUE(results[2].ok()) << results[2].ToString();
  EXPECT_TRUE(results[3].ok()) << results[3].ToString();
  EXPECT_EQ(results[4].code(), errors::SecretQuotaReached("").code()) << results[4].ToString();
  EXPECT_EQ(Names(), (std::vector<std::string>{"new-1", "new-2", "new-3", "other", "taken"}));
  // The duplicate's own value did not overwrite the first "taken".
  VersionView v;
  ASSERT_TRUE(secrets_->GetVersion(kProject, "taken", "latest", &v).ok());
  EXPECT_EQ(v.value.value_or(""), "value of taken");

  const StoreStats after = store_->stats();
  EXPECT_EQ(after.groups, before.groups + 1) << "the five queued writes formed one group";
  EXPECT_EQ(after.jobs, before.jobs + 5);
  EXPECT_EQ(after.jobs_failed, before.jobs_failed + 2);
  EXPECT_EQ(after.last_group_size, 5);
  EXPECT_EQ(after.max_group_size, 5);
  EXPECT_EQ(after.group_sizes[2], before.group_sizes[2] + 1) << "a group of 4..7";
  EXPECT_EQ(after.queue_depth, 0);

  // Alone, the two failures answer the same.
  EXPECT_EQ(Create("taken").code(), results[1].code());
  EXPECT_EQ(Create("over").code(), results[4].code());
}

TEST_F(GroupCommitTest, AFullQueueRefusesAtOnceAndTheQueuedWritesStillCommit) {
  SqliteOptions o;
  o.write_queue = 2;
  Open(o);
  store_->HoldWrites(true);
  std::vector<Status> results(2);
  std::vector<std::thread> threads;
  Queue(&threads, [&] { results[0] = Create("a"); });
  Queue(&threads, [&] { results[1] = Create("b"); });
  Status refused = Create("c");
  EXPECT_EQ(refused.kind(), Status::Kind::kUnavailable) << refused.ToString();
  EXPECT_EQ(store_->stats().rejected, 1);
  store_->HoldWrites(false);
  for (auto& t : threads) t.join();
  EXPECT_TRUE(results[0].ok()) << results[0].ToString();
  EXPECT_TRUE(results[1].ok()) << results[1].ToString();
  EXPECT_EQ(Names(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(GroupCommitTest, AnExceptionRollsBackItsWriteAloneAndReachesItsCaller) {
  Open({});
  store_->HoldWrites(true);
  std::vector<std::thread> threads;
  Status ok_result;
  bool threw = false;
  Queue(&threads, [&] { ok_result = Create("kept"); });
  Queue(&threads, [&] {
    try {
      store_
          ->Write([&](Transaction& tx) -> Status {
            EXPECT_TRUE(tx.identity().InsertDomain(Domain{"d1", "thrown"}).ok());
            throw std::runtime_error("boom");
          })
          .IgnoreError();
    } catch (const std::runtime_error&) {
      threw = true;
    }
  });
  store_->HoldWrites(false);
  for (auto& t : threads) t.join();
  EXPECT_TRUE(threw);
  EXPECT_TRUE(ok_result.ok()) << ok_result.ToString();
  EXPECT_EQ(Names(), (std::vector<std::string>{"kept"}));
  Domain d;
  EXPECT_TRUE(store_->Read([&](Transaction& tx) { return tx.identity().GetDomainById("d1", &d); }).IsNotFound());
}

TEST_F(GroupCommitTest, AReadThatThrowsGivesItsConnectionBack) {
  SqliteOptions o;
  o.max_connections = 2;  // the writer's + one reader: a lost connection would stall every later read
  Open(o);
  for (int i = 0; i < 3; ++i) {
    EXPECT_THROW(store_->Read([](Transaction&) -> Status { throw std::runtime_error("boom"); }).IgnoreError(),
                 std::runtime_error);
  }
  // On a thread of its own, so that a read stuck waiting for a connection fails the test, not hangs it.
  auto answer = std::make_shared<std::promise<Status>>();
  std::future<Status> later = answer->get_future();
  std::thread([store = store_.get(), answer] {
    Domain d;
    answer->set_value(store->Read([&](Transaction& tx) { return tx.identity().GetDomainById("none", &d); }));
  }).detach();
  ASSERT_EQ(later.wait_for(seconds(30)), std::future_status::ready) << "the read pool lost its connection";
  EXPECT_TRUE(later.get().IsNotFound());
}

TEST_F(GroupCommitTest, AStoreCallInsideAWriteIsRefusedNotADeadlock) {
  Open({});
  Status inner_write, inner_read;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction&) {
                    inner_write = store_->Write([](Transaction&) { return Status::OK(); });
                    inner_read = store_->Read([](Transaction&) { return Status::OK(); });
                    return Status::OK();
                  })
                  .ok());
  EXPECT_EQ(inner_write.kind(), Status::Kind::kInternal);
  EXPECT_EQ(inner_read.kind(), Status::Kind::kInternal);
}

TEST_F(GroupCommitTest, AGroupEndsAtItsJobBound) {
  SqliteOptions o;
  o.max_group_jobs = 2;
  Open(o);
  store_->HoldWrites(true);
  std::vector<std::thread> threads;
  std::vector<Status> results(5);
  for (int i = 0; i < 5; ++i) Queue(&threads, [this, i, &results] { results[i] = Create("s" + std::to_string(i)); });
  store_->HoldWrites(false);
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  const StoreStats s = store_->stats();
  EXPECT_EQ(s.groups, 3) << "2 + 2 + 1";
  EXPECT_EQ(s.jobs, 5);
  EXPECT_EQ(s.max_group_size, 2);
}

TEST_F(GroupCommitTest, AGroupEndsAtItsByteBound) {
  SqliteOptions o;
  o.max_group_bytes = 1;  // every create binds more: each commits in its own group
  Open(o);
  store_->HoldWrites(true);
  std::vector<std::thread> threads;
  std::vector<Status> results(3);
  for (int i = 0; i < 3; ++i) Queue(&threads, [this, i, &results] { results[i] = Create("s" + std::to_string(i)); });
  store_->HoldWrites(false);
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(store_->stats().groups, 3);
  EXPECT_EQ(store_->stats().max_group_size, 1);
  EXPECT_EQ(Names(), (std::vector<std::string>{"s0", "s1", "s2"}));
}

TEST_F(GroupCommitTest, ALoneWriteCommitsWithoutCompany) {
  Open({});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Create("s" + std::to_string(i)).ok());
  const StoreStats s = store_->stats();
  EXPECT_EQ(s.groups, s.jobs) << "one write at a time: groups of one";
  EXPECT_EQ(s.max_group_size, 1);
}

TEST_F(GroupCommitTest, ALoneWriteRunsOnItsCallersThread) {
  // No writer thread to hand it to and wake back from: the caller leads its own group.
  Open({});
  std::thread::id ran_on;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction&) {
                    ran_on = std::this_thread::get_id();
                    return Status::OK();
                  })
                  .ok());
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST_F(GroupCommitTest, AQueuedGroupRunsOnOneOfItsCallersThreads) {
  Open({});
  store_->HoldWrites(true);
  std::vector<std::thread> threads;
  std::vector<std::thread::id> callers(3), ran_on(3);
  for (int i = 0; i < 3; ++i) {
    Queue(&threads, [this, i, &callers, &ran_on] {
      callers[i] = std::this_thread::get_id();
      EXPECT_TRUE(store_
                      ->Write([&ran_on, i](Transaction&) {
                        ran_on[i] = std::this_thread::get_id();
                        return Status::OK();
                      })
                      .ok());
    });
  }
  store_->HoldWrites(false);
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_->stats().groups, 1);
  EXPECT_EQ(ran_on[0], ran_on[1]);
  EXPECT_EQ(ran_on[1], ran_on[2]);
  EXPECT_NE(std::find(callers.begin(), callers.end(), ran_on[0]), callers.end()) << "the group ran on a caller";
}

TEST_F(GroupCommitTest, ClosingTheStoreRunsTheHeldWrites) {
  Open({});
  store_->HoldWrites(true);
  std::vector<std::thread> threads;
  std::vector<Status> results(2);
  for (int i = 0; i < 2; ++i) Queue(&threads, [this, i, &results] { results[i] = Create("s" + std::to_string(i)); });
  std::thread closer([this] { store_.reset(); });  // returns once the queue has drained
  for (auto& t : threads) t.join();
  closer.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
}

}  // namespace
}  // namespace csms
