// Versions answered from memory (decision 138, service/secret_read_cache.h), against the real
// csmsd: with an hour-long memory the cache provably serves (another process's write is not seen),
// and every write of the serving process that changes what a version read answers shows in the
// very next read.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/csmsd_process.h"
#include "support/dev_server.h"
#include "support/http_client.h"
#include "support/signed_request.h"

namespace csms::test {
namespace read_cache_http {

class SecretReadCacheHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The token's revocation check too is due only in an hour: while it is due, a request
    // authenticates on the pool and its read goes to the store, which under load made the
    // cache look unused.
    ASSERT_TRUE(a_.Start({"--no-access-log", "--no-delivery", "--secret-read-cache-ms", "3600000",
                          "--token-revocation-check-ms", "3600000"}))
        << a_.Log();
    auto cred = ReadInitialCredentials(a_.data_dir());
    base_ = "/v1/" + cred["project_id"] + "/secrets";
    ca_ = std::make_unique<HttpClient>(a_.port());
    token_ = GetToken(*ca_, "admin", cred["password"], "csms", cred["project_id"]);
    ca_->set_token(token_);
  }

  // GET …/versions/{id} from the caching server: the value, or "status N" for an error.
  std::string Value(const std::string& secret, const std::string& version_id) {
    auto r = ca_->Request("GET", base_ + "/" + secret + "/versions/" + version_id);
    if (r.status != 200) return "status " + std::to_string(r.status);
    return r.json["version"]["secret_string"].GetString();
  }
  HttpResult Version(const std::string& secret, const std::string& version_id) {
    return ca_->Request("GET", base_ + "/" + secret + "/versions/" + version_id);
  }
  // Twice: the first read learns the secret's id, the second is kept (secret_read_cache.h).
  void Warm(const std::string& secret, const std::string& version_id) {
    ASSERT_EQ(Version(secret, version_id).status, 200);
    ASSERT_EQ(Version(secret, version_id).status, 200);
  }
  HttpResult Call(const std::string& method, const std::string& path, const std::string& body = "") {
    return ca_->Request(method, base_ + path, body);
  }

  CsmsdProcess a_;
  std::string base_, token_;
  std::unique_ptr<HttpClient> ca_;
};

TEST_F(SecretReadCacheHttpTest, AVersionReadIsServedFromMemoryUntilThisProcessWritesTheSecret) {
  ASSERT_EQ(Call("POST", "", R"({"name":"app","secret_string":"one"})").status, 200);
  Warm("app", "latest");

  // A second server on the same database adds a version: the first still answers from memory,
  // which shows the cache is what answers below.
  CsmsdProcess b;
  ASSERT_TRUE(b.Start({"--no-access-log", "--no-delivery", "--data-dir", a_.data_dir()})) << b.Log();
  HttpClient cb(b.port());
  cb.set_token(token_);
  ASSERT_EQ(cb.Request("POST", base_ + "/app/versions", R"({"secret_string":"two"})").status, 200);
  EXPECT_EQ(Value("app", "latest"), "one");
  EXPECT_EQ(Value("app", "v2"), "two");  // never read here before: from the store

  // This process's own writes show at once. A new version (through the asynchronous write path):
  ASSERT_EQ(Call("POST", "/app/versions", R"({"secret_string":"three"})").status, 200);
  EXPECT_EQ(Value("app", "latest"), "three");

  // A stage moved onto a version that was read:
  Warm("app", "v1");
  ASSERT_EQ(Call("PUT", "/app/stages/blue", R"({"version_id":"v1"})").status, 200);
  auto v1 = Version("app", "v1");
  ASSERT_EQ(v1.status, 200);
  EXPECT_NE(v1.body.find("\"blue\""), std::string::npos) << v1.body;

  // Its expiry changed:
  Warm("app", "v1");
  ASSERT_EQ(Call("PUT", "/app/versions/v1", R"({"expire_time":4102444800000})").status, 200);
  v1 = Version("app", "v1");
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(v1.json["version"]["version_metadata"]["expire_time"].GetInt64(), 4102444800000) << v1.body;

  // The stage taken off again:
  Warm("app", "v1");
  ASSERT_EQ(Call("DELETE", "/app/stages/blue").status, 204);
  v1 = Version("app", "v1");
  EXPECT_EQ(v1.body.find("\"blue\""), std::string::npos) << v1.body;

  // The secret scheduled for deletion: its values are refused at once, and readable again once
  // the deletion is cancelled.
  Warm("app", "latest");
  ASSERT_EQ(Call("POST", "/app/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})").status, 200);
  EXPECT_EQ(Value("app", "latest"), "status 400");
  ASSERT_EQ(Call("POST", "/app/scheduled-deleted-tasks/cancel").status, 200);
  EXPECT_EQ(Value("app", "latest"), "three");

  // Deleted, then created again under the same name:
  Warm("app", "latest");
  ASSERT_EQ(Call("DELETE", "/app").status, 200);
  EXPECT_EQ(Value("app", "latest"), "status 404");
  ASSERT_EQ(Call("POST", "", R"({"name":"app","secret_string":"reborn"})").status, 200);
  EXPECT_EQ(Value("app", "latest"), "reborn");
  EXPECT_EQ(Value("app", "v2"), "status 404");
}

TEST_F(SecretReadCacheHttpTest, ARotationShowsInTheNextRead) {
  ASSERT_EQ(Call("POST", "", R"({"name":"rotated","secret_string":"before"})").status, 200);
  Warm("rotated", "latest");
  Warm("rotated", "v1");
  auto r = Call("POST", "/rotated/rotate");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(Value("rotated", "latest"), "before");
  auto v1 = Version("rotated", "v1");  // the current stage moved off it
  ASSERT_EQ(v1.status, 200);
  EXPECT_NE(v1.body.find("SYSPREVIOUS"), std::string::npos) << v1.body;
}

}  // namespace read_cache_http
}  // namespace csms::test
