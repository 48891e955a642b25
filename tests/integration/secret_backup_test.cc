// DownloadSecretBlob and UploadSecretBlob over HTTP (spec §1.9): a restored secret is the same
// secret (id, metadata, versions and their ids, values, stages, times, tags), no version trigger
// fires, and the blob is refused when changed, from another project, for a name that exists or
// sealed with another master key; it restores on another installation with the same master key.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "crypto/encoding.h"
#include "support/dev_server.h"
#include "support/secrets_helpers.h"
#include "support/temp_dir.h"
#include "support/two_projects.h"

namespace csms::test {
namespace {

// Everything a client can read of a secret, as JSON texts, to compare before and after.
struct SecretPicture {
  std::string secret;                         // ShowSecret
  std::vector<std::string> versions;          // ShowSecretVersion of each, value included
  std::map<std::string, std::string> stages;  // ShowSecretStage by name
  std::map<std::string, std::string> tags;    // key → value
};

std::string Text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

SecretPicture Picture(SecretsApi& api, const std::string& name) {
  SecretPicture p;
  auto s = api.Get("/secrets/" + name);
  EXPECT_EQ(s.status, 200) << s.body;
  if (s.status != 200) return p;
  p.secret = Text(s.json["secret"]);
  std::string id = s.json["secret"]["id"].GetString();
  auto list = api.Get("/secrets/" + name + "/versions?limit=100");
  EXPECT_EQ(list.status, 200) << list.body;
  for (const auto& m : list.json["version_metadatas"].GetArray()) {
    std::string vid = m["id"].GetString();
    auto v = api.Get("/secrets/" + name + "/versions/" + vid);
    EXPECT_EQ(v.status, 200) << v.body;
    p.versions.push_back(Text(v.json["version"]));
    for (const auto& st : m["version_stages"].GetArray()) {
      std::string stage = st.GetString();
      auto sr = api.Get("/secrets/" + name + "/stages/" + stage);
      EXPECT_EQ(sr.status, 200) << sr.body;
      p.stages[stage] = Text(sr.json["stage"]);
    }
  }
  auto t = api.Get("/csms/" + id + "/tags");
  EXPECT_EQ(t.status, 200) << t.body;
  for (const auto& tag : t.json["tags"].GetArray()) p.tags[tag["key"].GetString()] = tag["value"].GetString();
  return p;
}

void ExpectSamePicture(const SecretPicture& a, const SecretPicture& b) {
  EXPECT_EQ(a.secret, b.secret);
  EXPECT_EQ(a.versions, b.versions);
  EXPECT_EQ(a.stages, b.stages);
  EXPECT_EQ(a.tags, b.tags);
}

std::string Backup(SecretsApi& api, const std::string& name) {
  auto r = api.Post("/secrets/" + name + "/backup", "");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.json["secret_blob"].GetString() : "";
}

HttpResult Restore(SecretsApi& api, const std::string& blob) {
  return api.Post("/secrets/restore", R"({"secret_blob":)" + JsonString(blob) + "}");
}

// A secret with all there is to keep: versions of both kinds, an expiry, custom stages that moved,
// tags, a description and an event subscription.
std::string MakeRichSecret(SecretsApi& api, const std::string& name) {
  EXPECT_EQ(api.CreateEvent("ev-" + name, {"SECRET_VERSION_CREATED"}).status, 200);
  auto r = api.CreateSecret(name, "first value", "ev-" + name, R"(,"description":"kept as it was")");
  EXPECT_EQ(r.status, 200) << r.body;
  std::string id = r.json["secret"]["id"].GetString();
  EXPECT_EQ(api.Post("/secrets/" + name + "/versions", R"({"secret_binary":"AAECAwQF/w==","version_stages":["blue"]})")
                .status,
            200);
  EXPECT_EQ(
      api.CreateVersion(name, "third ✓ value", R"(,"expire_time":)" + std::to_string(api.Now() + 40 * kDayMs)).status,
      200);
  EXPECT_EQ(api.Put("/secrets/" + name + "/stages/green", R"({"version_id":"v2"})").status, 200);
  EXPECT_EQ(api.Post("/csms/" + id + "/tags/action",
                     R"({"action":"create","tags":[{"key":"env","value":"prod"},{"key":"Zuständig","value":"Jörg"}]})")
                .status,
            204);
  return id;
}

class SecretBackupTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  }
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(SecretBackupTest, RestoreRecreatesTheSameSecretAndFiresNothing) {
  std::string id = MakeRichSecret(*api_, "rich");
  SecretPicture before = Picture(*api_, "rich");
  ASSERT_EQ(before.versions.size(), 3u);
  std::string blob = Backup(*api_, "rich");
  ASSERT_EQ(blob.rfind("CSMSBackupV1.", 0), 0u) << blob;
  // Opaque: neither the blob nor its decoded bytes show a value, a name or a tag.
  auto sealed = crypto::Base64UrlDecode(blob.substr(blob.rfind('.') + 1));
  ASSERT_TRUE(sealed.has_value());
  for (const std::string& text : {blob, *sealed}) {
    for (const char* plain : {"first value", "third \u2713 value", "kept as it was", "Zuständig", "ev-rich"}) {
      EXPECT_EQ(text.find(plain), std::string::npos) << plain;
    }
  }

  // A name that exists is refused, and changes nothing.
  ExpectCsmsError(Restore(*api_, blob), 409, "CSMS.0801", "rich");

  ASSERT_EQ(api_->Delete("/secrets/rich").status, 200);
  auto events_before = api_->OutboxTypes("rich");
  api_->Advance(60'000);  // a restore keeps the times it had, whatever the clock says
  auto r = Restore(*api_, blob);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Text(r.json["secret"]), before.secret);
  EXPECT_EQ(std::string(r.json["secret"]["id"].GetString()), id);
  ExpectSamePicture(Picture(*api_, "rich"), before);
  // Not a new version: no SECRET_VERSION_CREATED (nor anything else) for the restore.
  EXPECT_EQ(api_->OutboxTypes("rich"), events_before);

  // The restored secret lives on: a new version is v4 and fires as usual.
  auto v = api_->CreateVersion("rich", "fourth");
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_STREQ(v.json["version_metadata"]["id"].GetString(), "v4");
  EXPECT_EQ(api_->OutboxTypes("rich").size(), events_before.size() + 1);
}

TEST_F(SecretBackupTest, ChangedOrForeignBlobsAreRefused) {
  MakeRichSecret(*api_, "guarded");
  std::string blob = Backup(*api_, "guarded");
  ASSERT_FALSE(blob.empty());
  ASSERT_EQ(api_->Delete("/secrets/guarded").status, 200);

  // One changed character anywhere: the prefix, the key id, the sealed body, its last character.
  for (size_t pos : {size_t{3}, size_t{20}, blob.size() / 2, blob.size() - 1}) {
    std::string bad = blob;
    bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
    ExpectCsmsError(Restore(*api_, bad), 400, "CSMS.0002", "secret_blob");
  }
  for (std::string bad : {std::string(""), std::string("garbage"), blob.substr(0, blob.size() - 4), blob + "AAAA",
                          std::string("CSMSBackupV1.") + "x.y"}) {
    ExpectCsmsError(Restore(*api_, bad), 400, "CSMS.0002", "secret_blob");
  }
  ExpectCsmsError(api_->Post("/secrets/restore", "{}"), 400, "CSMS.0002", "secret_blob");
  ExpectCsmsError(api_->Post("/secrets/restore", R"({"secret_blob":42})"), 400, "CSMS.0002", "secret_blob");
  // None of them created anything; the real blob still restores.
  EXPECT_EQ(api_->Get("/secrets/guarded").status, 404);
  EXPECT_EQ(Restore(*api_, blob).status, 200);
}

TEST_F(SecretBackupTest, StatesAndMissingSecrets) {
  ExpectCsmsError(api_->Post("/secrets/nothing-here/backup", ""), 404, "CSMS.0106");
  ASSERT_EQ(api_->CreateSecret("leaving", "v").status, 200);
  ASSERT_EQ(api_->Post("/secrets/leaving/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})").status,
            200);
  ExpectCsmsError(api_->Post("/secrets/leaving/backup", ""), 400, "CSMS.0103");
}

TEST(SecretBackupIsolationTest, ABlobRestoresOnlyInItsProject) {
  TwoProjects p;
  ASSERT_TRUE(p.Start());
  ASSERT_EQ(p.b->CreateSecret("moving", "value-of-b").status, 200);
  std::string blob = Backup(*p.b, "moving");
  ASSERT_FALSE(blob.empty());
  ExpectCsmsError(Restore(*p.a, blob), 400, "CSMS.0002", "secret_blob");
  EXPECT_EQ(p.a->Get("/secrets/moving").status, 404);
  // Back in its own project it restores.
  ASSERT_EQ(p.b->Delete("/secrets/moving").status, 200);
  ASSERT_EQ(Restore(*p.b, blob).status, 200);
  auto v = p.b->Get("/secrets/moving/versions/latest");
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_STREQ(v.json["version"]["secret_string"].GetString(), "value-of-b");
}

// Two --dev installations (separate in-memory databases, the same fixed project) that share one
// master key file: a blob of the first restores on the second; a third with another key refuses it.
TEST(SecretBackupInstallationsTest, ABlobMovesToAnotherInstallationWithTheSameMasterKey) {
  TempDir keys("csms-backup-keys");
  std::string shared = keys.File("shared.key"), other = keys.File("other.key");
  {
    std::ofstream(shared) << std::string(64, 'a') << "\n";
    std::ofstream(other) << std::string(64, 'b') << "\n";
  }
  ASSERT_EQ(chmod(shared.c_str(), 0600), 0);
  ASSERT_EQ(chmod(other.c_str(), 0600), 0);
  CsmsdProcess first, second, third;
  ASSERT_TRUE(first.Start({"--dev", "--no-access-log", "--master-key-file", shared})) << first.Log();
  ASSERT_TRUE(second.Start({"--dev", "--no-access-log", "--master-key-file", shared})) << second.Log();
  ASSERT_TRUE(third.Start({"--dev", "--no-access-log", "--master-key-file", other})) << third.Log();
  HttpClient c1(first.port()), c2(second.port()), c3(third.port());
  for (HttpClient* c : {&c1, &c2, &c3}) c->set_token(GetToken(*c, kDevUser, kDevPassword, kDevDomain, kDevProject));
  SecretsApi a1(&c1, kDevProject), a2(&c2, kDevProject), a3(&c3, kDevProject);

  MakeRichSecret(a1, "travelling");
  SecretPicture before = Picture(a1, "travelling");
  std::string blob = Backup(a1, "travelling");
  ASSERT_EQ(a2.CreateEvent("ev-travelling", {"SECRET_VERSION_CREATED"}).status, 200);
  auto r = Restore(a2, blob);
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectSamePicture(Picture(a2, "travelling"), before);
  EXPECT_TRUE(a2.OutboxTypes("travelling").empty());

  ExpectCsmsError(Restore(a3, blob), 400, "CSMS.0002", "master key");
  EXPECT_EQ(a3.Get("/secrets/travelling").status, 404);
}

}  // namespace
}  // namespace csms::test
