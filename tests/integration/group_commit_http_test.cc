// The store writer over HTTP, with the --dev hooks (POST /csms-dev/writer/hold and /release,
// GET /csms-dev/writer): requests queued while the writer is held commit as one group and each is
// answered as if it had been alone; a full write queue answers 503 + Retry-After; a read is served
// while a write provably waits; the --dev database is a private temporary file gone at exit.
//
// While the writer is held a write request waits, so these tests need writes off the I/O threads
// (issue 9, item 1): every request that may wait is sent with a deadline (PendingRequests), so on a
// server that blocks its I/O threads they fail instead of hanging.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "common/errors.h"
#include "support/engine.h"
#include "support/pending_requests.h"
#include "support/secrets_helpers.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace csms::test {
namespace {

using std::chrono::seconds;
constexpr auto kDeadline = seconds(30);

std::string SecretBody(const std::string& name) {
  return R"({"name":")" + name + R"(","secret_string":"value of )" + name + R"("})";
}

class WriterHooksTest : public DevServerTest {
 protected:
  // No background writers (scheduler, dispatcher): the only writes are the test's own. Enough
  // worker threads that every queued write of a test can wait for the writer at once.
  std::vector<std::string> ExtraArgs() override {
    std::vector<std::string> args = {"--secret-quota",   "5", "--scheduler-interval-ms", "0", "--no-delivery",
                                     "--worker-threads", "8"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    return args;
  }
  // GET /csms-dev/writer, or an empty document (and a failure) when it is not answered in time.
  rapidjson::Document Stats(PendingRequests& pending) {
    rapidjson::Document doc;
    auto r = pending.Send("GET", "/csms-dev/writer", "", "", kDeadline);
    if (!r) {
      ADD_FAILURE() << "GET /csms-dev/writer was not answered";
      return doc;
    }
    EXPECT_EQ(r->status, 200) << r->body;
    doc.Parse(r->body.c_str());
    return doc;
  }
  int64_t Stat(PendingRequests& pending, const char* name) {
    rapidjson::Document doc = Stats(pending);
    return doc.IsObject() && doc.HasMember(name) ? doc[name].GetInt64() : -1;
  }
  bool Control(PendingRequests& pending, const std::string& path) {
    auto r = pending.Send("POST", path, "", "", kDeadline);
    EXPECT_TRUE(r && r->status == 200) << path << (r ? ": " + r->body : " was not answered");
    return r && r->status == 200;
  }
  // Sends a create and returns once the writer's queue shows it waiting.
  size_t QueueCreate(PendingRequests& pending, const std::string& name, int64_t depth_before) {
    size_t i = pending.Start("POST", Path("/secrets"), SecretBody(name), token_);
    EXPECT_TRUE(WaitUntil([&] { return Stat(pending, "queue_depth") >= depth_before + 1; }, kDeadline))
        << "the create of " << name << " never queued";
    return i;
  }
  std::set<std::string> SecretNames() { return ListedSecretNames(*client_, Path("/secrets?limit=100")); }

  std::vector<std::string> extra_;
};

TEST_F(WriterHooksTest, AHeldBatchCommitsAsOneGroupAndEachRequestIsAnsweredAsIfAlone) {
  CSMS_SKIP_ON_POSTGRES("the group writer's hold hooks");
  ASSERT_EQ(client_->Request("POST", Path("/secrets"), SecretBody("taken")).status, 200);
  ASSERT_EQ(client_->Request("POST", Path("/secrets"), SecretBody("other")).status, 200);
  PendingRequests pending(&server_);
  const int64_t groups_before = Stat(pending, "groups");
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/hold"));
  rapidjson::Document held = Stats(pending);
  ASSERT_TRUE(held.IsObject() && held["held"].GetBool());

  // In queue order: valid, duplicate name, valid, valid (the quota of 5 is then full, counting the
  // group's own uncommitted rows), one too many.
  const std::vector<std::string> names = {"new-1", "taken", "new-2", "new-3", "over"};
  std::vector<size_t> requests;
  for (size_t i = 0; i < names.size(); ++i) {
    requests.push_back(QueueCreate(pending, names[i], static_cast<int64_t>(i)));
    if (HasFailure()) return;
  }
  EXPECT_EQ(Stat(pending, "queue_depth"), 5);
  EXPECT_EQ(Stat(pending, "groups"), groups_before) << "nothing commits while held";
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/release"));

  std::vector<HttpResult> answers;
  for (size_t i : requests) {
    auto r = pending.Wait(i, kDeadline);
    ASSERT_TRUE(r) << "a create was not answered after the release";
    answers.push_back(std::move(*r));
  }
  EXPECT_EQ(answers[0].status, 200) << answers[0].body;
  EXPECT_EQ(answers[2].status, 200) << answers[2].body;
  EXPECT_EQ(answers[3].status, 200) << answers[3].body;
  EXPECT_EQ(answers[1].ErrorCode(), errors::SecretNameExists("").code()) << answers[1].body;
  EXPECT_EQ(answers[4].ErrorCode(), errors::SecretQuotaReached("").code()) << answers[4].body;
  EXPECT_EQ(SecretNames(), (std::set<std::string>{"new-1", "new-2", "new-3", "other", "taken"}));

  rapidjson::Document after = Stats(pending);
  ASSERT_TRUE(after.IsObject());
  EXPECT_EQ(after["groups"].GetInt64(), groups_before + 1) << "the five queued creates formed one group";
  EXPECT_EQ(after["last_group_size"].GetInt64(), 5);
  EXPECT_FALSE(after["held"].GetBool());
  EXPECT_EQ(after["queue_depth"].GetInt64(), 0);

  // Alone, the two failures get the same answers.
  for (size_t i : {size_t{1}, size_t{4}}) {
    auto alone = client_->Request("POST", Path("/secrets"), SecretBody(names[i]));
    EXPECT_EQ(alone.status, answers[i].status) << alone.body;
    EXPECT_EQ(alone.ErrorCode(), answers[i].ErrorCode()) << alone.body;
  }
}

class WriteQueueTest : public WriterHooksTest {
 protected:
  void SetUp() override {
    extra_ = {"--write-queue", "2"};
    WriterHooksTest::SetUp();
  }
};

TEST_F(WriteQueueTest, AFullQueueAnswers503WithRetryAfterAndTheQueuedWritesCommit) {
  CSMS_SKIP_ON_POSTGRES("the group writer's hold hooks");
  PendingRequests pending(&server_);
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/hold"));
  size_t a = QueueCreate(pending, "a", 0);
  size_t b = QueueCreate(pending, "b", 1);
  ASSERT_FALSE(HasFailure());
  auto refused = pending.Send("POST", Path("/secrets"), SecretBody("c"), token_, kDeadline);
  ASSERT_TRUE(refused) << "a write beyond the queue bound must be refused at once, not wait";
  ExpectCsmsError(*refused, 503, errors::Unavailable("").code());
  EXPECT_EQ(refused->Header("retry-after"), "1");
  EXPECT_EQ(Stat(pending, "rejected"), 1);
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/release"));
  for (size_t i : {a, b}) {
    auto r = pending.Wait(i, kDeadline);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
  }
  EXPECT_EQ(SecretNames(), (std::set<std::string>{"a", "b"}));
}

// One I/O thread, the writer held, a write provably waiting: a read and a health check are still
// answered. (A server whose I/O thread waits inside the write cannot pass this.)
class ReadWhileHeldTest : public WriterHooksTest {
 protected:
  void SetUp() override {
    extra_ = {"--threads", "1"};
    WriterHooksTest::SetUp();
  }
};

TEST_F(ReadWhileHeldTest, AReadIsAnsweredWhileAWriteWaitsForTheWriter) {
  CSMS_SKIP_ON_POSTGRES("the group writer's hold hooks");
  ASSERT_EQ(client_->Request("POST", Path("/secrets"), SecretBody("fixed")).status, 200);
  PendingRequests pending(&server_);
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/hold"));
  std::vector<size_t> writes;
  for (int i = 0; i < 3; ++i) {
    writes.push_back(pending.Start("POST", Path("/secrets/fixed/versions"), R"({"secret_string":"w"})", token_));
  }
  ASSERT_TRUE(WaitUntil([&] { return Stat(pending, "queue_depth") >= 1; }, kDeadline))
      << "no write ever waited for the held writer";
  auto read = pending.Send("GET", Path("/secrets/fixed/versions/latest"), "", token_, kDeadline);
  ASSERT_TRUE(read) << "a read waited behind a held write";
  EXPECT_EQ(read->status, 200) << read->body;
  auto health = pending.Send("GET", "/healthz", "", "", kDeadline);
  ASSERT_TRUE(health) << "the health check waited behind a held write";
  EXPECT_EQ(health->status, 200) << health->body;
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/release"));
  for (size_t i : writes) {
    auto r = pending.Wait(i, kDeadline);
    ASSERT_TRUE(r) << "a write was not answered after the release";
    EXPECT_EQ(r->status, 200) << r->body;
  }
}

// The --dev database: a file in a private directory of $TMPDIR, in WAL mode, removed at exit.
TEST(DevDatabaseTest, IsAPrivateTemporaryFileRemovedAtExit) {
  CSMS_SKIP_ON_POSTGRES("the --dev temporary database file");
  TempDir tmp("csms-tmpdir");
  const char* old = getenv("TMPDIR");
  std::string saved = old ? old : "";
  setenv("TMPDIR", tmp.path().c_str(), 1);
  CsmsdProcess server;
  bool started = server.Start({"--dev", "--no-access-log"});
  if (old) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  ASSERT_TRUE(started) << server.Log();
  HttpClient client(server.port());
  std::string token = GetToken(client, kDevUser, kDevPassword, kDevDomain, kDevProject);
  client.set_token(token);
  ASSERT_EQ(client.Request("POST", std::string("/v1/") + kDevProject + "/secrets", SecretBody("s")).status, 200);

  std::vector<std::filesystem::path> dirs;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) dirs.push_back(e.path());
  ASSERT_EQ(dirs.size(), 1u);
  struct stat st {};
  ASSERT_EQ(stat(dirs[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700);
  EXPECT_TRUE(std::filesystem::exists(dirs[0] / "csms.db"));
  EXPECT_TRUE(std::filesystem::exists(dirs[0] / "csms.db-wal")) << "WAL mode";

  EXPECT_EQ(server.Stop(), 0);  // SIGTERM
  EXPECT_FALSE(std::filesystem::exists(dirs[0])) << "the temporary database outlived the server";
}

}  // namespace
}  // namespace csms::test
