// Master-key providers and rotation against a real csmsd with an on-disk data dir (docs/keys.md):
// a PKCS#11 key on a SoftHSM2 token created by the test, rotation file → file and file → PKCS#11
// with the background re-wrap, a kill -9 in the middle of the re-wrap, and the refusals to start
// (wrong PIN, missing token).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "support/csmsd_process.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/softhsm.h"
#include "support/wait.h"

namespace csms::test {
namespace {

// Fast enough for tests: servers re-read the versions every 100 ms (so a rotation settles in 200 ms).
const std::vector<std::string> kFastChecks = {"--master-key-check-interval-ms", "100"};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class MasterKeyTest : public ::testing::Test {
 protected:
  void Start(const std::vector<std::string>& args) {
    ASSERT_TRUE(server_.Start(args)) << server_.Log();
    client_ = std::make_unique<HttpClient>(server_.port());
    auto cred = ReadInitialCredentials(server_.data_dir());
    project_ = cred["project_id"];
    token_ = GetToken(*client_, "admin", cred["password"], "csms", project_);
    ASSERT_FALSE(token_.empty());
    client_->set_token(token_);
    api_ = std::make_unique<SecretsApi>(client_.get(), project_);
    api_->set_refresh_dev_token(false);
  }

  // `csmsd admin ARGS...` on the server's data dir; exit code and output.
  int Admin(const std::vector<std::string>& args, std::string* out) {
    return RunCsmsd(Concat({"admin", "--data-dir", server_.data_dir()}, args), out);
  }

  // master-key-status as key=value pairs; the version lines under "version<N>".
  std::map<std::string, std::string> Status() {
    std::string out;
    std::map<std::string, std::string> m;
    if (Admin({"master-key-status"}, &out) != 0) {
      ADD_FAILURE() << out;
      return m;
    }
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("version=", 0) == 0) {
        m["version" + line.substr(8, line.find(' ') - 8)] = line;
      } else if (auto eq = line.find('='); eq != std::string::npos) {
        m[line.substr(0, eq)] = line.substr(eq + 1);
      }
    }
    return m;
  }

  bool RewrapFinished() { return Status()["rewrap_finished"] == "true"; }

  void CreateSecrets(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(api_->CreateSecret("s" + std::to_string(i), "value-" + std::to_string(i)).status, 200);
    }
    ASSERT_EQ(api_->CreateVersion("s0", "value-0b").status, 200);
  }

  void ExpectSecretsReadable(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = api_->Get("/secrets/s" + std::to_string(i) + "/versions/v1");
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_STREQ(r.json["version"]["secret_string"].GetString(), ("value-" + std::to_string(i)).c_str());
    }
    auto r = api_->Get("/secrets/s0/versions/v2");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_STREQ(r.json["version"]["secret_string"].GetString(), "value-0b");
  }

  void SkipWithoutSoftHsm() {
    std::string why;
    if (!SoftHsmAvailable(&why)) GTEST_SKIP() << why;
  }

  CsmsdProcess server_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<SecretsApi> api_;
  std::string project_, token_;
};

TEST_F(MasterKeyTest, FileToFileRotationKeepsEveryValueAndRetiresTheOldKey) {
  Start(kFastChecks);
  CreateSecrets(5);
  std::string kms_key_id = api_->Get("/secrets/s1").json["secret"]["kms_key_id"].GetString();
  std::string out;
  ASSERT_EQ(Admin({"rotate-master-key"}, &out), 0) << out;
  EXPECT_NE(out.find("version=2 provider=file"), std::string::npos) << out;
  ASSERT_TRUE(WaitUntil([&] { return RewrapFinished(); }, std::chrono::seconds(60))) << server_.Log();
  auto st = Status();
  EXPECT_NE(st["version1"].find("state=RETIRED"), std::string::npos) << st["version1"];
  EXPECT_NE(st["version2"].find("state=ACTIVE"), std::string::npos) << st["version2"];
  EXPECT_GE(std::stoll(st["rewrap_rewrapped"]), 6);
  ExpectSecretsReadable(5);
  // New values are sealed under the new version; the key id clients see stays.
  ASSERT_EQ(api_->CreateSecret("after", "later").status, 200);
  EXPECT_EQ(api_->Get("/secrets/after").json["secret"]["kms_key_id"].GetString(), kms_key_id);
  EXPECT_EQ(server_.Stop(), 0);

  // Nothing needs the first key any more: without its file the server starts and reads everything.
  std::filesystem::rename(server_.data_dir() + "/master.key", server_.dir() + "/old-master.key");
  Start(kFastChecks);
  ExpectSecretsReadable(5);
  EXPECT_STREQ(api_->Get("/secrets/after/versions/v1").json["version"]["secret_string"].GetString(), "later");
}

TEST_F(MasterKeyTest, AccessKeysOpenAfterRotation) {
  Start(kFastChecks);
  AkSk key = CreateAccessKey(server_.data_dir(), "admin");
  ASSERT_FALSE(key.sk.empty());
  std::string out;
  ASSERT_EQ(Admin({"rotate-master-key"}, &out), 0) << out;
  ASSERT_TRUE(WaitUntil([&] { return RewrapFinished(); }, std::chrono::seconds(60))) << server_.Log();
  EXPECT_EQ(server_.Stop(), 0);
  // The access key's SK was re-sealed: without the old key, signed requests still verify.
  std::filesystem::remove(server_.data_dir() + "/master.key");
  Start(kFastChecks);
  auto r = SignedRequest(*client_, key, "GET", "/v1/" + project_ + "/secrets", "", project_);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(MasterKeyTest, KillDuringRewrapLeavesEveryValueReadable) {
  // One row per batch, 400 ms apart: two passes over 13 rows take 10 s, so the kill lands in the middle.
  const std::vector<std::string> slow = {"--master-key-rewrap-batch", "1", "--master-key-rewrap-pause-ms", "400"};
  Start(Concat(kFastChecks, slow));
  CreateSecrets(12);
  std::string out;
  ASSERT_EQ(Admin({"rotate-master-key"}, &out), 0) << out;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto st = Status();
        return !st["rewrap_rewrapped"].empty() && std::stoll(st["rewrap_rewrapped"]) >= 3;
      },
      std::chrono::seconds(60)));
  server_.Kill();
  auto st = Status();
  ASSERT_EQ(st["rewrap_finished"], "false") << "the re-wrap ended before the kill; the test proves nothing";
  EXPECT_NE(st["version1"].find("state=DRAINING"), std::string::npos) << st["version1"];

  // Restarted (slowly again): every value opens, under whichever version holds it now...
  Start(Concat(kFastChecks, slow));
  ExpectSecretsReadable(12);
  EXPECT_EQ(server_.Stop(), 0);
  // ...and after it has finished.
  Start(kFastChecks);
  ASSERT_TRUE(WaitUntil([&] { return RewrapFinished(); }, std::chrono::seconds(60))) << server_.Log();
  ExpectSecretsReadable(12);
  EXPECT_NE(Status()["version1"].find("state=RETIRED"), std::string::npos);
}

TEST_F(MasterKeyTest, Pkcs11KeySealsAndOpensSecrets) {
  SkipWithoutSoftHsm();
  SoftHsmToken token;
  std::string error;
  ASSERT_TRUE(token.Init("csms-test", "1234", &error)) << error;
  ASSERT_TRUE(token.GenerateKey("master", &error)) << error;
  Start(Concat(kFastChecks, token.Flags("master")));
  CreateSecrets(3);
  auto st = Status();
  EXPECT_NE(st["version1"].find("provider=pkcs11"), std::string::npos) << st["version1"];
  EXPECT_FALSE(std::filesystem::exists(server_.data_dir() + "/master.key"));
  EXPECT_EQ(server_.Stop(), 0);
  // The versions table remembers where the key lives: no flags needed on the next start.
  Start(kFastChecks);
  ExpectSecretsReadable(3);
  EXPECT_EQ(server_.Stop(), 0);

  // A wrong PIN: csmsd refuses to start and says why.
  std::ofstream(token.pin_file(), std::ios::trunc) << "9999\n";
  if (server_.Start(kFastChecks)) {
    ADD_FAILURE() << "started with a wrong PIN";
    server_.Stop();
  }
  EXPECT_NE(server_.Log().find("CKR_PIN_INCORRECT"), std::string::npos) << server_.Log();
}

TEST_F(MasterKeyTest, MissingTokenRefusesToStart) {
  SkipWithoutSoftHsm();
  SoftHsmToken token;
  std::string error;
  ASSERT_TRUE(token.Init("csms-test", "1234", &error)) << error;
  auto flags = token.Flags("master");
  flags[3] = "no-such-token";
  if (server_.Start(Concat(kFastChecks, flags))) {
    ADD_FAILURE() << "started without its token";
    server_.Stop();
  }
  EXPECT_NE(server_.Log().find("no PKCS#11 token labelled \"no-such-token\""), std::string::npos) << server_.Log();
}

TEST_F(MasterKeyTest, FileToPkcs11Rotation) {
  SkipWithoutSoftHsm();
  SoftHsmToken token;
  std::string error;
  ASSERT_TRUE(token.Init("csms-rotate", "4321", &error)) << error;
  Start(kFastChecks);
  CreateSecrets(4);
  std::string out;
  // The key is generated on the token by the rotation itself.
  ASSERT_EQ(Admin(Concat({"rotate-master-key", "--to-provider", "pkcs11", "--pkcs11-generate"}, token.Flags("hsm-key")),
                  &out),
            0)
      << out;
  EXPECT_NE(out.find("version=2 provider=pkcs11"), std::string::npos) << out;
  ASSERT_TRUE(WaitUntil([&] { return RewrapFinished(); }, std::chrono::seconds(60))) << server_.Log();
  ExpectSecretsReadable(4);
  ASSERT_EQ(api_->CreateSecret("after", "sealed-by-the-token").status, 200);
  EXPECT_EQ(server_.Stop(), 0);
  std::filesystem::remove(server_.data_dir() + "/master.key");
  Start(kFastChecks);
  ExpectSecretsReadable(4);
  EXPECT_STREQ(api_->Get("/secrets/after/versions/v1").json["version"]["secret_string"].GetString(),
               "sealed-by-the-token");
}

}  // namespace
}  // namespace csms::test
