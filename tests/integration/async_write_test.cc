// Asynchronous writes over HTTP (decision NN): CreateSecret and CreateSecretVersion with a cached
// token are handed to the store's writer from the I/O thread (Route::async) and answered from the
// group's completion. GET /csms-dev/writer counts them (async_jobs), so every test knows which path
// a request took. The writer hold (POST /csms-dev/writer/hold, /release) makes "answered only after
// the commit" observable without timing: nothing commits while held.
//
// The token cache re-reads the revocation generation every --token-revocation-check-ms; while a
// check is due a cached token is not trusted on the I/O thread (the request falls back to the
// writer pool). These servers run with an hour between checks, and each test first sends one
// request that validates its token on a pool thread, so every later request with it is cached.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/errors.h"
#include "support/audit_lines.h"
#include "support/engine.h"
#include "support/pending_requests.h"
#include "support/raw_socket.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/wait.h"

namespace csms::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr auto kDeadline = seconds(30);

std::string SecretBody(const std::string& name) {
  return R"({"name":")" + name + R"(","secret_string":"value of )" + name + R"("})";
}

class AsyncWriteTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override {
    std::vector<std::string> args = {
        "--secret-quota", "5", "--scheduler-interval-ms", "0", "--no-delivery", "--token-revocation-check-ms",
        "3600000"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    return args;
  }
  void SetUp() override {
    DevServerTest::SetUp();
    if (HasFailure()) return;
    // ListSecrets has no cached form: it validates the token on a reader thread, which caches it.
    auto r = client_->Request("GET", Path("/secrets"));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  int64_t Stat(PendingRequests& pending, const char* name) {
    auto r = pending.Send("GET", "/csms-dev/writer", "", "", kDeadline);
    if (!r) {
      ADD_FAILURE() << "GET /csms-dev/writer was not answered";
      return -1;
    }
    rapidjson::Document doc;
    doc.Parse(r->body.c_str());
    return doc.IsObject() && doc.HasMember(name) ? doc[name].GetInt64() : -1;
  }
  int64_t Stat(const char* name) {
    auto r = client_->Request("GET", "/csms-dev/writer");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 && r.json.HasMember(name) ? r.json[name].GetInt64() : -1;
  }
  bool Control(PendingRequests& pending, const std::string& path) {
    auto r = pending.Send("POST", path, "", "", kDeadline);
    EXPECT_TRUE(r && r->status == 200) << path << (r ? ": " + r->body : " was not answered");
    return r && r->status == 200;
  }
  // Starts a write and returns once the writer's queue holds it (as the depth-th write), having
  // checked that it went the asynchronous way.
  size_t Queue(PendingRequests& pending, const std::string& method, const std::string& path, const std::string& body,
               int64_t depth) {
    const int64_t async_before = Stat(pending, "async_jobs");
    size_t i = pending.Start(method, Path(path), body, token_);
    EXPECT_TRUE(WaitUntil([&] { return Stat(pending, "queue_depth") >= depth; }, kDeadline))
        << method << " " << path << " never queued";
    EXPECT_EQ(Stat(pending, "async_jobs"), async_before + 1) << method << " " << path << " did not go asynchronously";
    return i;
  }
  int SecretStatus(const std::string& name) { return client_->Request("GET", Path("/secrets/" + name)).status; }
  std::set<std::string> SecretNames() { return ListedSecretNames(*client_, Path("/secrets?limit=100")); }

  std::vector<std::string> extra_;
};

TEST_F(AsyncWriteTest, ACreateIsAnsweredOnlyAfterItsGroupCommitted) {
  CSMS_SKIP_ON_POSTGRES("the group writer's hold hooks");
  PendingRequests pending(&server_);
  const int64_t groups_before = Stat(pending, "groups");
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/hold"));
  size_t create = Queue(pending, "POST", "/secrets", SecretBody("held"), 1);
  ASSERT_FALSE(HasFailure());

  // Held: nothing committed, so there is nothing to answer yet and nothing to read.
  EXPECT_FALSE(pending.Wait(create, milliseconds(300))) << "a create was answered before its commit";
  EXPECT_EQ(SecretStatus("held"), 404);
  EXPECT_EQ(Stat(pending, "groups"), groups_before);

  ASSERT_TRUE(Control(pending, "/csms-dev/writer/release"));
  auto r = pending.Wait(create, kDeadline);
  ASSERT_TRUE(r) << "the create was not answered after the release";
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->json["secret"]["name"].GetString(), std::string("held"));
  // The writer counts a group before it answers any of its writes.
  EXPECT_GE(Stat(pending, "groups"), groups_before + 1);
  EXPECT_EQ(SecretStatus("held"), 200);
  auto latest = client_->Request("GET", Path("/secrets/held/versions/latest"));
  EXPECT_EQ(latest.status, 200) << latest.body;
}

TEST_F(AsyncWriteTest, AMixedGroupAnswersEachWriteAsIfAlone) {
  CSMS_SKIP_ON_POSTGRES("the group writer's hold hooks");
  ASSERT_EQ(client_->Request("POST", Path("/secrets"), SecretBody("taken")).status, 200);
  ASSERT_EQ(client_->Request("POST", Path("/secrets"), SecretBody("other")).status, 200);
  PendingRequests pending(&server_);
  const int64_t groups_before = Stat(pending, "groups");
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/hold"));

  // In queue order: valid, duplicate name, valid, a version of a secret that does not exist, a
  // version of "other", valid (the quota of 5 is then full, counting the group's own uncommitted
  // rows), one too many.
  struct Write {
    std::string method, path, body;
  };
  const std::vector<Write> writes = {
      {"POST", "/secrets", SecretBody("new-1")},
      {"POST", "/secrets", SecretBody("taken")},
      {"POST", "/secrets", SecretBody("new-2")},
      {"POST", "/secrets/missing/versions", R"({"secret_string":"v"})"},
      {"POST", "/secrets/other/versions", R"({"secret_string":"second value of other"})"},
      {"POST", "/secrets", SecretBody("new-3")},
      {"POST", "/secrets", SecretBody("over")},
  };
  std::vector<size_t> requests;
  for (size_t i = 0; i < writes.size(); ++i) {
    requests.push_back(Queue(pending, writes[i].method, writes[i].path, writes[i].body, static_cast<int64_t>(i + 1)));
    ASSERT_FALSE(HasFailure());
  }
  EXPECT_EQ(Stat(pending, "groups"), groups_before) << "nothing commits while held";
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/release"));

  std::vector<HttpResult> answers;
  for (size_t i : requests) {
    auto r = pending.Wait(i, kDeadline);
    ASSERT_TRUE(r) << "a write was not answered after the release";
    answers.push_back(std::move(*r));
  }
  for (size_t i : {size_t{0}, size_t{2}, size_t{4}, size_t{5}}) EXPECT_EQ(answers[i].status, 200) << answers[i].body;
  EXPECT_EQ(answers[1].ErrorCode(), errors::SecretNameExists("").code()) << answers[1].body;
  EXPECT_EQ(answers[3].status, 404) << answers[3].body;
  EXPECT_EQ(answers[6].ErrorCode(), errors::SecretQuotaReached("").code()) << answers[6].body;
  EXPECT_EQ(answers[4].json["version_metadata"]["id"].GetString(), std::string("v2")) << answers[4].body;
  EXPECT_EQ(SecretNames(), (std::set<std::string>{"new-1", "new-2", "new-3", "other", "taken"}));
  EXPECT_EQ(Stat(pending, "groups"), groups_before + 1) << "the queued writes formed one group";
  EXPECT_EQ(Stat(pending, "last_group_size"), static_cast<int64_t>(writes.size()));

  // Alone, the failures get the same answers.
  for (size_t i : {size_t{1}, size_t{3}, size_t{6}}) {
    auto alone = client_->Request(writes[i].method, Path(writes[i].path), writes[i].body);
    EXPECT_EQ(alone.status, answers[i].status) << alone.body;
    EXPECT_EQ(alone.ErrorCode(), answers[i].ErrorCode()) << alone.body;
  }
}

TEST_F(AsyncWriteTest, ChecksBeforeTheWriteAnswerAtOnceAndChangeNothing) {
  const int64_t async_before = Stat("async_jobs");
  auto bad = client_->Request("POST", Path("/secrets"), R"({"name":"no-value"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  auto not_json = client_->Request("POST", Path("/secrets"), "{");
  EXPECT_EQ(not_json.status, 400) << not_json.body;
  EXPECT_EQ(Stat("async_jobs"), async_before) << "a refused request reached the writer";
  EXPECT_EQ(SecretStatus("no-value"), 404);
}

// The fallbacks: whenever the I/O thread cannot tell who is asking from memory, the request runs on
// the writer pool (async_jobs does not move) and gets the same answers.
TEST_F(AsyncWriteTest, UncachedAndSignedRequestsRunOnThePool) {
  HttpClient fresh(server_.port());
  std::string token = GetToken(fresh, kDevUser, kDevPassword, kDevDomain, kDevProject);
  ASSERT_FALSE(token.empty());
  fresh.set_token(token);
  int64_t async_before = Stat("async_jobs");
  auto first = fresh.Request("POST", Path("/secrets"), SecretBody("uncached"));
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Stat("async_jobs"), async_before) << "a token never validated was trusted on the I/O thread";
  auto again = fresh.Request("POST", Path("/secrets"), SecretBody("uncached"));
  EXPECT_EQ(again.ErrorCode(), errors::SecretNameExists("").code()) << again.body;
  EXPECT_EQ(Stat("async_jobs"), async_before + 1) << "once validated, the token is served asynchronously";

  auto wrong = client_->Request("POST", Path("/secrets"), SecretBody("bad-token"), {{"X-Auth-Token", "not-a-token"}});
  EXPECT_EQ(wrong.status, 401) << wrong.body;

  async_before = Stat("async_jobs");
  HttpClient anon(server_.port());
  AkSk dev{kDevAk, kDevSk, ""};
  auto signed_create = SignedRequest(anon, dev, "POST", Path("/secrets"), SecretBody("signed"), kDevProject);
  EXPECT_EQ(signed_create.status, 200) << signed_create.body;
  auto signed_version =
      SignedRequest(anon, dev, "POST", Path("/secrets/signed/versions"), R"({"secret_string":"v2"})", kDevProject);
  EXPECT_EQ(signed_version.status, 200) << signed_version.body;
  EXPECT_EQ(Stat("async_jobs"), async_before) << "a signed request was not verified on the pool";
  EXPECT_EQ(SecretNames(), (std::set<std::string>{"uncached", "signed"}));
  EXPECT_EQ(SecretStatus("bad-token"), 404);
}

class AsyncWriteAuditTest : public AsyncWriteTest {
 protected:
  void SetUp() override {
    extra_ = {"--audit-file", audit_path_};
    AsyncWriteTest::SetUp();
  }
  std::string audit_path_ = server_.dir() + "/audit.log";
};

TEST_F(AsyncWriteAuditTest, WithAnAuditLogWritesRunOnThePoolAndAreAudited) {
  const int64_t async_before = Stat("async_jobs");
  auto created = client_->Request("POST", Path("/secrets"), SecretBody("audited"));
  ASSERT_EQ(created.status, 200) << created.body;
  auto version = client_->Request("POST", Path("/secrets/audited/versions"), R"({"secret_string":"v2"})");
  ASSERT_EQ(version.status, 200) << version.body;
  auto dup = client_->Request("POST", Path("/secrets"), SecretBody("audited"));
  ASSERT_EQ(dup.ErrorCode(), errors::SecretNameExists("").code()) << dup.body;
  EXPECT_EQ(Stat("async_jobs"), async_before) << "a write ran without its audit lines";
  int creates = 0, versions = 0, refused = 0;
  for (const auto& line : ReadAuditLines(audit_path_)) {
    if (line.type() != "response") continue;
    if (line.action() == "csms:secret:create") (line.status() == 200 ? creates : refused)++;
    if (line.action() == "csms:secret:createVersion" && line.status() == 200) ++versions;
  }
  EXPECT_EQ(creates, 1);
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(versions, 1);
}

// A client that hangs up while its create waits for the writer: the server neither crashes nor
// withdraws the write (it was queued: it commits), and the outcome is the same however it is read.
TEST_F(AsyncWriteTest, ACreateWhoseClientLeftBeforeTheCommitCommitsConsistently) {
  CSMS_SKIP_ON_POSTGRES("the group writer's hold hooks");
  PendingRequests pending(&server_);
  const int64_t async_before = Stat(pending, "async_jobs");
  const int64_t jobs_before = Stat(pending, "jobs");
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/hold"));
  {
    RawConnection conn(server_.port());
    ASSERT_TRUE(conn.connected());
    const std::string body = SecretBody("orphan");
    ASSERT_TRUE(conn.Send("POST " + Path("/secrets") +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Auth-Token: " + token_ +
                          "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
    ASSERT_TRUE(WaitUntil([&] { return Stat(pending, "queue_depth") >= 1; }, kDeadline)) << "the create never queued";
    EXPECT_EQ(Stat(pending, "async_jobs"), async_before + 1);
  }  // closed while the write waits
  ASSERT_TRUE(Control(pending, "/csms-dev/writer/release"));
  ASSERT_TRUE(
      WaitUntil([&] { return Stat(pending, "queue_depth") == 0 && Stat(pending, "jobs") > jobs_before; }, kDeadline));
  auto health = pending.Send("GET", "/healthz", "", "", kDeadline);
  ASSERT_TRUE(health) << "the server stopped answering";
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(SecretStatus("orphan"), 200);
  EXPECT_EQ(SecretNames(), (std::set<std::string>{"orphan"}));
  auto latest = client_->Request("GET", Path("/secrets/orphan/versions/latest"));
  EXPECT_EQ(latest.status, 200) << latest.body;
  // The name is taken like any other.
  auto again = client_->Request("POST", Path("/secrets"), SecretBody("orphan"));
  EXPECT_EQ(again.ErrorCode(), errors::SecretNameExists("").code()) << again.body;
}

}  // namespace
}  // namespace csms::test
