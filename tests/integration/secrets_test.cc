// Secrets, versions, stages, scheduled deletion and rotation tasks over HTTP against the real
// csmsd: shapes, paging, every documented limit, and each forbidden operation's CSMS error.
#include <gtest/gtest.h>

#include <set>

#include "support/db_secrets.h"
#include "support/secrets_helpers.h"

namespace csms::test {
namespace {

class SecretsTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  }
  SecretsApi& api() { return *api_; }
  std::vector<std::string> Stages(const std::string& secret, const std::string& version) {
    auto r = api().Get("/secrets/" + secret + "/versions/" + version);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    if (r.status == 200) {
      for (const auto& s : r.json["version"]["version_metadata"]["version_stages"].GetArray())
        out.push_back(s.GetString());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string Value(const std::string& secret, const std::string& version) {
    auto r = api().Get("/secrets/" + secret + "/versions/" + version);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 && r.json["version"].HasMember("secret_string")
               ? r.json["version"]["secret_string"].GetString()
               : "";
  }
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(SecretsTest, CreateShowAndListShapes) {
  auto created = api().CreateSecret("db-pass", "hunter2");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.Header("content-type"), "application/json;charset=UTF-8");
  const auto& s = created.json["secret"];
  std::string id = s["id"].GetString();
  EXPECT_EQ(id.size(), 36u);
  EXPECT_STREQ(s["name"].GetString(), "db-pass");
  EXPECT_STREQ(s["state"].GetString(), "ENABLED");
  EXPECT_EQ(std::string(s["kms_key_id"].GetString()).size(), 36u);
  EXPECT_GT(s["create_time"].GetInt64(), 1'600'000'000'000);
  EXPECT_EQ(s["create_time"].GetInt64(), s["update_time"].GetInt64());
  EXPECT_TRUE(s["scheduled_delete_time"].IsNull());
  EXPECT_STREQ(s["secret_type"].GetString(), "COMMON");
  EXPECT_FALSE(s["auto_rotation"].GetBool());
  ASSERT_TRUE(s["event_subscriptions"].IsArray());
  EXPECT_EQ(s["event_subscriptions"].Size(), 0u);
  EXPECT_STREQ(s["enterprise_project_id"].GetString(), "0");
  EXPECT_EQ(created.body.find("hunter2"), std::string::npos);
  EXPECT_FALSE(s.HasMember("secret_string"));

  auto shown = api().Get("/secrets/db-pass");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.body, created.body);

  auto list = api().Get("/secrets");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json["secrets"].Size(), 1u);
  EXPECT_STREQ(list.json["secrets"][0]["id"].GetString(), id.c_str());
  EXPECT_EQ(list.json["page_info"]["current_count"].GetInt(), 1);
  EXPECT_EQ(list.body.find("hunter2"), std::string::npos);

  // v1 holds the value under SYSCURRENT.
  auto v1 = api().Get("/secrets/db-pass/versions/v1");
  ASSERT_EQ(v1.status, 200) << v1.body;
  const auto& meta = v1.json["version"]["version_metadata"];
  EXPECT_STREQ(meta["id"].GetString(), "v1");
  EXPECT_STREQ(meta["secret_name"].GetString(), "db-pass");
  EXPECT_STREQ(meta["kms_key_id"].GetString(), s["kms_key_id"].GetString());
  EXPECT_FALSE(meta.HasMember("expire_time"));
  ASSERT_EQ(meta["version_stages"].Size(), 1u);
  EXPECT_STREQ(meta["version_stages"][0].GetString(), "SYSCURRENT");
  EXPECT_STREQ(v1.json["version"]["secret_string"].GetString(), "hunter2");
  EXPECT_FALSE(v1.json["version"].HasMember("secret_binary"));
}

TEST_F(SecretsTest, CreateWithEveryField) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_VERSION_CREATED"}).status, 200);
  auto r =
      api().Post("/secrets", R"({"name":"full","secret_binary":"AAECAwQ=","description":"the db","secret_type":"COMMON",
      "auto_rotation":true,"rotation_period":"30d","event_subscriptions":["ev"],"enterprise_project_id":"ep-1",
      "rotation_func_urn":"urn:fss:cn-north-4:0123:function:default:rotate","kms_key_id":"csms/default"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& s = r.json["secret"];
  EXPECT_STREQ(s["description"].GetString(), "the db");
  EXPECT_TRUE(s["auto_rotation"].GetBool());
  EXPECT_STREQ(s["rotation_period"].GetString(), "30d");
  EXPECT_EQ(s["next_rotation_time"].GetInt64(), s["create_time"].GetInt64() + 30 * kDayMs);
  EXPECT_STREQ(s["event_subscriptions"][0].GetString(), "ev");
  EXPECT_STREQ(s["enterprise_project_id"].GetString(), "ep-1");
  EXPECT_STREQ(s["rotation_func_urn"].GetString(), "urn:fss:cn-north-4:0123:function:default:rotate");
  auto v = api().Get("/secrets/full/versions/latest");
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_STREQ(v.json["version"]["secret_binary"].GetString(), "AAECAwQ=");
  EXPECT_FALSE(v.json["version"].HasMember("secret_string"));

  // RDS-FG / GaussDB-FG name a registered database instance and hold an account (tests/db rotate them).
  ASSERT_EQ(RegisterDevDbInstance(*client_, kDevProject, "i-1", "mysql", "127.0.0.1", 3306), 200);
  auto rds = api().Post("/secrets", R"({"name":"rds","secret_type":"RDS-FG","secret_string":)" +
                                        JsonString(DbAccountJson("mysql", "127.0.0.1", 3306, "u", "p", "d")) +
                                        R"(,"rotation_config":)" + JsonString(DbRotationConfig("i-1")) + "}");
  ASSERT_EQ(rds.status, 200) << rds.body;
  EXPECT_STREQ(rds.json["secret"]["secret_type"].GetString(), "RDS-FG");
  // Without an agency for RDS-FG the agency is what is missing (agencies_templates_test.cc).
  ExpectCsmsError(api().Post("/secrets/rds/rotate", ""), 400, "CSMS.0901", "RDS-FG");
  EXPECT_EQ(api().Put("/secrets/rds", R"({"auto_rotation":true,"rotation_period":"1d"})").status, 200);
  ExpectCsmsError(api().Post("/secrets", R"({"name":"g","secret_string":"x","secret_type":"GaussDB-FG"})"), 400,
                  "CSMS.0002", "rotation_config");
}

TEST_F(SecretsTest, ListPagesByNameAndFiltersByEvent) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_DELETED"}).status, 200);
  std::vector<std::string> names = {"s-e", "s-a", "s-g", "s-c", "s-b", "s-f", "s-d"};
  for (const auto& n : names) {
    bool sub = n == "s-b" || n == "s-e" || n == "s-f";
    ASSERT_EQ(api().CreateSecret(n, "v", sub ? "ev" : "").status, 200);
  }
  std::vector<std::string> seen;
  std::string marker;
  for (int page = 0; page < 5; ++page) {
    auto r = api().Get("/secrets?limit=3" + (marker.empty() ? "" : "&marker=" + marker));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto& items = r.json["secrets"];
    if (items.Size() == 0) break;
    for (const auto& s : items.GetArray()) seen.push_back(s["name"].GetString());
    EXPECT_EQ(r.json["page_info"]["current_count"].GetInt(), static_cast<int>(items.Size()));
    EXPECT_STREQ(r.json["page_info"]["previous_marker"].GetString(), items[0]["name"].GetString());
    marker = items[items.Size() - 1]["name"].GetString();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"s-a", "s-b", "s-c", "s-d", "s-e", "s-f", "s-g"}));
  auto last = api().Get("/secrets?marker=s-g");
  ASSERT_EQ(last.status, 200);
  EXPECT_EQ(last.json["secrets"].Size(), 0u);

  auto subs = api().Get("/secrets?event_name=ev");
  ASSERT_EQ(subs.status, 200) << subs.body;
  std::vector<std::string> sub_names;
  for (const auto& s : subs.json["secrets"].GetArray()) sub_names.push_back(s["name"].GetString());
  EXPECT_EQ(sub_names, (std::vector<std::string>{"s-b", "s-e", "s-f"}));
  auto first = api().Get("/secrets?event_name=ev&limit=2");
  EXPECT_STREQ(first.json["page_info"]["next_marker"].GetString(), "s-e");
  EXPECT_EQ(api().Get("/secrets?event_name=none").json["secrets"].Size(), 0u);

  ExpectCsmsError(api().Get("/secrets?limit=0"), 400, "CSMS.0002", "limit");
  ExpectCsmsError(api().Get("/secrets?limit=1001"), 400, "CSMS.0002", "limit");
  ExpectCsmsError(api().Get("/secrets?limit=abc"), 400, "CSMS.0002", "limit");
  ExpectCsmsError(api().Get("/secrets?marker=bad%20name"), 400, "CSMS.0002", "marker");
  ExpectCsmsError(api().Get("/secrets?event_name=bad%20name"), 400, "CSMS.0002", "event_name");
}

TEST_F(SecretsTest, UpdateChangesOnlyMetadataAndSubscriptions) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_DELETED"}).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "value-1").status, 200);
  auto r = api().Put("/secrets/s", R"({"description":"new","event_subscriptions":["ev"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(r.json["secret"]["description"].GetString(), "new");
  EXPECT_STREQ(r.json["secret"]["event_subscriptions"][0].GetString(), "ev");
  EXPECT_FALSE(r.json["secret"]["auto_rotation"].GetBool());
  // Only supplied fields change.
  r = api().Put("/secrets/s", R"({"auto_rotation":true,"rotation_period":"6h"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(r.json["secret"]["description"].GetString(), "new");
  EXPECT_EQ(r.json["secret"]["next_rotation_time"].GetInt64(),
            r.json["secret"]["update_time"].GetInt64() + 6 * 3'600'000);
  // The event cannot be deleted while subscribed; [] and null both unsubscribe.
  ExpectCsmsError(api().Delete("/csms/events/ev"), 409, "CSMS.0603", "secret s");
  r = api().Put("/secrets/s", R"({"event_subscriptions":[]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["secret"]["event_subscriptions"].Size(), 0u);
  ASSERT_EQ(api().Put("/secrets/s", R"({"event_subscriptions":["ev"]})").status, 200);
  r = api().Put("/secrets/s", R"({"event_subscriptions":null})");
  EXPECT_EQ(r.json["secret"]["event_subscriptions"].Size(), 0u);
  EXPECT_EQ(api().Delete("/csms/events/ev").status, 204);
  // Turning auto-rotation off clears the next rotation.
  r = api().Put("/secrets/s", R"({"auto_rotation":false})");
  EXPECT_FALSE(r.json["secret"].HasMember("next_rotation_time"));
  EXPECT_EQ(Value("s", "latest"), "value-1");

  ExpectCsmsError(api().Put("/secrets/s", R"({"name":"other"})"), 400, "CSMS.0002", "renamed");
  ExpectCsmsError(api().Put("/secrets/s", R"({"event_subscriptions":["missing"]})"), 400, "CSMS.0804", "missing");
  ExpectCsmsError(api().Put("/secrets/s", R"({"auto_rotation":"yes"})"), 400, "CSMS.0002", "auto_rotation");
  ExpectCsmsError(api().Put("/secrets/s", R"({"rotation_period":"1h"})"), 400, "CSMS.0002", "rotation_period");
  ExpectCsmsError(api().Put("/secrets/s", R"({"kms_key_id":"no-such-key"})"), 400, "CSMS.0401", "kms_key_id");
  ExpectCsmsError(api().Put("/secrets/s", R"({"description":")" + std::string(2049, 'd') + "\"}"), 400, "CSMS.0002",
                  "description");
  ExpectCsmsError(api().Put("/secrets/nope", R"({"description":"x"})"), 404, "CSMS.0106", "nope");
  ExpectCsmsError(api().Put("/secrets/s", "{bad"), 400, "CSMS.0004");
}

TEST_F(SecretsTest, CreateRejectsBadInput) {
  ASSERT_EQ(api().CreateSecret("taken", "x").status, 200);
  struct Case {
    std::string body;
    int status;
    std::string code, msg;
  };
  std::vector<Case> cases = {
      {"", 400, "CSMS.0004", "empty"},
      {"[1]", 400, "CSMS.0004", "object"},
      {R"({"name":"a","secret_string":"x")", 400, "CSMS.0004", "JSON"},
      {R"({"secret_string":"x"})", 400, "CSMS.0002", "name"},
      {R"({"name":5,"secret_string":"x"})", 400, "CSMS.0002", "name"},
      {R"({"name":"bad name","secret_string":"x"})", 400, "CSMS.0002", "name"},
      {R"({"name":")" + std::string(65, 'a') + R"(","secret_string":"x"})", 400, "CSMS.0002", "name"},
      {R"({"name":"a"})", 400, "CSMS.0002", "secret_string"},
      {R"({"name":"a","secret_string":"x","secret_binary":"eA=="})", 400, "CSMS.0002", "exactly one"},
      {R"({"name":"a","secret_binary":"***"})", 400, "CSMS.0002", "secret_binary"},
      {R"({"name":"a","secret_string":")" + std::string(32769, 'x') + "\"}", 400, "CSMS.0002", "32768"},
      {R"({"name":"a","secret_string":1})", 400, "CSMS.0002", "secret_string"},
      {R"({"name":"a","secret_string":"x","description":")" + std::string(2049, 'd') + "\"}", 400, "CSMS.0002",
       "description"},
      {R"({"name":"a","secret_string":"x","secret_type":"RDS"})", 400, "CSMS.0002", "secret_type"},
      {R"({"name":"a","secret_string":"x","auto_rotation":true})", 400, "CSMS.0002", "rotation_period"},
      {R"({"name":"a","secret_string":"x","rotation_period":"5h"})", 400, "CSMS.0002", "rotation_period"},
      {R"({"name":"a","secret_string":"x","rotation_period":"366d"})", 400, "CSMS.0002", "rotation_period"},
      {R"({"name":"a","secret_string":"x","event_subscriptions":["e1","e2"]})", 400, "CSMS.0002", "at most one"},
      {R"({"name":"a","secret_string":"x","event_subscriptions":["ghost"]})", 400, "CSMS.0804", "ghost"},
      {R"({"name":"a","secret_string":"x","event_subscriptions":"ghost"})", 400, "CSMS.0002", "event_subscriptions"},
      {R"({"name":"a","secret_string":"x","kms_key_id":"0000"})", 400, "CSMS.0401", "kms_key_id"},
      {R"({"name":"a","secret_string":"x","enterprise_project_id":")" + std::string(37, 'e') + "\"}", 400, "CSMS.0002",
       "enterprise_project_id"},
      {R"({"name":"a","secret_string":"x","rotation_func_urn":"ftp://x"})", 400, "CSMS.0002", "rotation_func_urn"},
      {R"({"name":"a","secret_string":"x","rotation_config":")" + std::string(1025, 'c') + "\"}", 400, "CSMS.0002",
       "rotation_config"},
      {R"({"name":"taken","secret_string":"x"})", 409, "CSMS.0801", "taken"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 120));
    ExpectCsmsError(api().Post("/secrets", c.body), c.status, c.code, c.msg);
  }
  // Nothing was created half-way.
  auto list = api().Get("/secrets");
  EXPECT_EQ(list.json["secrets"].Size(), 1u);
  // The largest value is accepted.
  EXPECT_EQ(api().CreateSecret("big", std::string(32768, 'x')).status, 200);
  ExpectCsmsError(api().Get("/secrets/ghost"), 404, "CSMS.0106", "ghost");
  ExpectCsmsError(api().Delete("/secrets/ghost"), 404, "CSMS.0106", "ghost");
}

class SecretQuotaTest : public SecretsTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--secret-quota", "3"}; }
};

TEST_F(SecretQuotaTest, QuotaPerProject) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(api().CreateSecret("q" + std::to_string(i), "x").status, 200);
  ExpectCsmsError(api().CreateSecret("q3", "x"), 400, "CSMS.0202", "3");
  ASSERT_EQ(api().Delete("/secrets/q0").status, 200);
  EXPECT_EQ(api().CreateSecret("q3", "x").status, 200);
}

TEST_F(SecretsTest, DeleteIsImmediateAndTheNameIsReusable) {
  auto first = api().CreateSecret("s", "one");
  ASSERT_EQ(api().CreateVersion("s", "two").status, 200);
  auto del = api().Delete("/secrets/s");
  EXPECT_EQ(del.status, 200);
  EXPECT_TRUE(del.body.empty());
  ExpectCsmsError(api().Get("/secrets/s"), 404, "CSMS.0106");
  ExpectCsmsError(api().Get("/secrets/s/versions/v1"), 404, "CSMS.0106");
  auto again = api().CreateSecret("s", "three");
  ASSERT_EQ(again.status, 200);
  EXPECT_STRNE(again.json["secret"]["id"].GetString(), first.json["secret"]["id"].GetString());
  auto versions = api().Get("/secrets/s/versions");
  ASSERT_EQ(versions.json["version_metadatas"].Size(), 1u);
  EXPECT_STREQ(versions.json["version_metadatas"][0]["id"].GetString(), "v1");
  EXPECT_EQ(Value("s", "v1"), "three");
}

TEST_F(SecretsTest, VersionsMoveStagesAndKeepValues) {
  ASSERT_EQ(api().CreateSecret("s", "one").status, 200);
  auto v2 = api().CreateVersion("s", "two");
  ASSERT_EQ(v2.status, 200) << v2.body;
  const auto& meta = v2.json["version_metadata"];
  EXPECT_STREQ(meta["id"].GetString(), "v2");
  EXPECT_STREQ(meta["secret_name"].GetString(), "s");
  EXPECT_EQ(Stages("s", "v2"), (std::vector<std::string>{"SYSCURRENT"}));
  EXPECT_EQ(Stages("s", "v1"), (std::vector<std::string>{"SYSPREVIOUS"}));
  ASSERT_EQ(api().CreateVersion("s", "three").status, 200);
  EXPECT_EQ(Stages("s", "v1"), (std::vector<std::string>{}));
  EXPECT_EQ(Stages("s", "v2"), (std::vector<std::string>{"SYSPREVIOUS"}));
  // Explicit stages: SYSCURRENT stays where it was.
  auto v4 = api().CreateVersion("s", "four", R"(,"version_stages":["blue","green"])");
  ASSERT_EQ(v4.status, 200) << v4.body;
  EXPECT_EQ(Stages("s", "v4"), (std::vector<std::string>{"blue", "green"}));
  EXPECT_EQ(Stages("s", "v3"), (std::vector<std::string>{"SYSCURRENT"}));
  // A named stage moves off whichever version had it.
  ASSERT_EQ(api().CreateVersion("s", "five", R"(,"version_stages":["blue"])").status, 200);
  EXPECT_EQ(Stages("s", "v4"), (std::vector<std::string>{"green"}));
  // Naming SYSCURRENT moves SYSPREVIOUS onto the former current version.
  ASSERT_EQ(api().CreateVersion("s", "six", R"(,"version_stages":["SYSCURRENT","green"])").status, 200);
  EXPECT_EQ(Stages("s", "v6"), (std::vector<std::string>{"SYSCURRENT", "green"}));
  EXPECT_EQ(Stages("s", "v3"), (std::vector<std::string>{"SYSPREVIOUS"}));
  EXPECT_EQ(Value("s", "v1"), "one");
  EXPECT_EQ(Value("s", "v5"), "five");
  EXPECT_EQ(Value("s", "latest"), "six");

  auto bin = api().Post("/secrets/s/versions", R"({"secret_binary":"3q2+7w=="})");
  ASSERT_EQ(bin.status, 200) << bin.body;
  auto shown = api().Get("/secrets/s/versions/v7");
  EXPECT_STREQ(shown.json["version"]["secret_binary"].GetString(), "3q2+7w==");

  // Paging through versions, oldest first.
  std::vector<std::string> ids;
  std::string marker;
  for (int i = 0; i < 6; ++i) {
    auto r = api().Get("/secrets/s/versions?limit=3" + (marker.empty() ? "" : "&marker=" + marker));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto& items = r.json["version_metadatas"];
    if (items.Size() == 0) break;
    for (const auto& v : items.GetArray()) {
      ids.push_back(v["id"].GetString());
      EXPECT_FALSE(v.HasMember("secret_string"));
    }
    marker = items[items.Size() - 1]["id"].GetString();
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"v1", "v2", "v3", "v4", "v5", "v6", "v7"}));
  auto page = api().Get("/secrets/s/versions?limit=2&marker=v2");
  EXPECT_STREQ(page.json["page_info"]["previous_marker"].GetString(), "v3");
  EXPECT_STREQ(page.json["page_info"]["next_marker"].GetString(), "v4");
  EXPECT_EQ(page.json["page_info"]["current_count"].GetInt(), 2);
  EXPECT_EQ(api().Get("/secrets/s/versions?marker=latest").json["version_metadatas"].Size(), 0u);
  ExpectCsmsError(api().Get("/secrets/s/versions?marker=x1"), 400, "CSMS.0002", "marker");

  ExpectCsmsError(api().Get("/secrets/s/versions/v99"), 404, "CSMS.0005", "v99");
  ExpectCsmsError(api().Get("/secrets/s/versions/bogus"), 404, "CSMS.0005");
  ExpectCsmsError(api().Post("/secrets/s/versions", R"({})"), 400, "CSMS.0002", "secret_string");
  ExpectCsmsError(api().Post("/secrets/s/versions", R"({"secret_string":"x","version_stages":[]})"), 400, "CSMS.0002",
                  "version_stages");
  ExpectCsmsError(api().Post("/secrets/s/versions", R"({"secret_string":"x","version_stages":["a","a"]})"), 400,
                  "CSMS.0002", "duplicate");
  ExpectCsmsError(api().Post("/secrets/s/versions", R"({"secret_string":"x","version_stages":["bad stage"]})"), 400,
                  "CSMS.0002", "version_stages");
  ExpectCsmsError(api().Post("/secrets/s/versions", R"({"secret_string":"x","expire_time":-1})"), 400, "CSMS.0002",
                  "expire_time");
  ExpectCsmsError(api().Post("/secrets/s/versions", R"({"secret_string":"x","expire_time":"soon"})"), 400, "CSMS.0002",
                  "expire_time");
  ExpectCsmsError(api().Post("/secrets/ghost/versions", R"({"secret_string":"x"})"), 404, "CSMS.0106", "ghost");
  std::string thirteen = R"(["a","b","c","d","e","f","g","h","i","j","k","l","m"])";
  ExpectCsmsError(api().Post("/secrets/s/versions", R"({"secret_string":"x","version_stages":)" + thirteen + "}"), 400,
                  "CSMS.0204");
}

TEST_F(SecretsTest, VersionExpireTimeUpdates) {
  ASSERT_EQ(api().CreateSecret("s", "one").status, 200);
  auto r = api().Put("/secrets/s/versions/v1", R"({"expire_time":1893456000000})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["version_metadata"]["expire_time"].GetInt64(), 1893456000000);
  EXPECT_STREQ(r.json["version_metadata"]["version_stages"][0].GetString(), "SYSCURRENT");
  EXPECT_EQ(api().Get("/secrets/s/versions/v1").json["version"]["version_metadata"]["expire_time"].GetInt64(),
            1893456000000);
  r = api().Put("/secrets/s/versions/latest", R"({"expire_time":0})");  // 0 removes the expiry
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json["version_metadata"].HasMember("expire_time"));
  ExpectCsmsError(api().Put("/secrets/s/versions/v1", R"({})"), 400, "CSMS.0002", "expire_time");
  ExpectCsmsError(api().Put("/secrets/s/versions/v1", R"({"expire_time":10000000000000})"), 400, "CSMS.0002",
                  "expire_time");
  ExpectCsmsError(api().Put("/secrets/s/versions/v9", R"({"expire_time":1})"), 404, "CSMS.0005", "v9");
}

TEST_F(SecretsTest, AtMostTwentyVersionsOldestUnstagedPurged) {
  ASSERT_EQ(api().CreateSecret("s", "value-1").status, 200);
  ASSERT_EQ(api().Put("/secrets/s/stages/keep", R"({"version_id":"v1"})").status, 200);
  for (int i = 2; i <= 25; ++i) ASSERT_EQ(api().CreateVersion("s", "value-" + std::to_string(i)).status, 200) << i;
  auto r = api().Get("/secrets/s/versions?limit=100");
  ASSERT_EQ(r.status, 200);
  std::vector<std::string> ids;
  for (const auto& v : r.json["version_metadatas"].GetArray()) ids.push_back(v["id"].GetString());
  ASSERT_EQ(ids.size(), 20u);
  EXPECT_EQ(ids.front(), "v1");  // carries a stage, so it stays
  EXPECT_EQ(ids[1], "v7");       // v2..v6 were the oldest without a stage
  EXPECT_EQ(ids.back(), "v25");
  EXPECT_EQ(Value("s", "v1"), "value-1");
  ExpectCsmsError(api().Get("/secrets/s/versions/v2"), 404, "CSMS.0005");
}

TEST_F(SecretsTest, StagesShowUpdateDeleteAndLimits) {
  ASSERT_EQ(api().CreateSecret("s", "one").status, 200);
  ASSERT_EQ(api().CreateVersion("s", "two").status, 200);
  auto cur = api().Get("/secrets/s/stages/SYSCURRENT");
  ASSERT_EQ(cur.status, 200) << cur.body;
  EXPECT_STREQ(cur.json["stage"]["name"].GetString(), "SYSCURRENT");
  EXPECT_STREQ(cur.json["stage"]["secret_name"].GetString(), "s");
  EXPECT_STREQ(cur.json["stage"]["version_id"].GetString(), "v2");
  EXPECT_GT(cur.json["stage"]["update_time"].GetInt64(), 0);

  auto created = api().Put("/secrets/s/stages/blue", R"({"version_id":"v1"})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_STREQ(created.json["stage"]["version_id"].GetString(), "v1");
  ASSERT_EQ(api().Put("/secrets/s/stages/blue", R"({"version_id":"v2"})").status, 200);
  EXPECT_EQ(Stages("s", "v2"), (std::vector<std::string>{"SYSCURRENT", "blue"}));
  // Moving SYSCURRENT back puts SYSPREVIOUS on the version that held it.
  ASSERT_EQ(api().Put("/secrets/s/stages/SYSCURRENT", R"({"version_id":"v1"})").status, 200);
  EXPECT_EQ(Stages("s", "v1"), (std::vector<std::string>{"SYSCURRENT"}));
  EXPECT_EQ(Stages("s", "v2"), (std::vector<std::string>{"SYSPREVIOUS", "blue"}));
  EXPECT_EQ(Value("s", "latest"), "two");

  auto del = api().Delete("/secrets/s/stages/blue");
  EXPECT_EQ(del.status, 204);
  EXPECT_TRUE(del.body.empty());
  ExpectCsmsError(api().Get("/secrets/s/stages/blue"), 404, "CSMS.0005", "blue");
  ExpectCsmsError(api().Delete("/secrets/s/stages/blue"), 404, "CSMS.0005", "blue");
  ExpectCsmsError(api().Delete("/secrets/s/stages/SYSCURRENT"), 400, "CSMS.0105", "SYSCURRENT");
  ExpectCsmsError(api().Delete("/secrets/s/stages/SYSPREVIOUS"), 400, "CSMS.0105", "SYSPREVIOUS");
  ExpectCsmsError(api().Put("/secrets/s/stages/x", R"({"version_id":"v9"})"), 404, "CSMS.0005", "v9");
  ExpectCsmsError(api().Put("/secrets/s/stages/x", R"({"version_id":"9"})"), 400, "CSMS.0002", "version_id");
  ExpectCsmsError(api().Put("/secrets/s/stages/x", R"({})"), 400, "CSMS.0002", "version_id");
  ExpectCsmsError(api().Put("/secrets/s/stages/" + std::string(65, 'x'), R"({"version_id":"v1"})"), 400, "CSMS.0002",
                  "stage_name");
  ExpectCsmsError(api().Get("/secrets/ghost/stages/SYSCURRENT"), 404, "CSMS.0106", "ghost");

  // 12 stages per secret: SYSCURRENT, SYSPREVIOUS and 10 more.
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(api().Put("/secrets/s/stages/st" + std::to_string(i), R"({"version_id":"v1"})").status, 200) << i;
  }
  ExpectCsmsError(api().Put("/secrets/s/stages/one-too-many", R"({"version_id":"v1"})"), 400, "CSMS.0203");
  ExpectCsmsError(api().CreateVersion("s", "x", R"(,"version_stages":["another"])"), 400, "CSMS.0203");
  // Moving an existing stage is still fine at the limit.
  EXPECT_EQ(api().Put("/secrets/s/stages/st0", R"({"version_id":"v2"})").status, 200);
}

TEST_F(SecretsTest, ScheduledDeletionBlocksUseUntilRestored) {
  ASSERT_EQ(api().CreateSecret("s", "one").status, 200);
  int64_t now = api().Now();
  auto r = api().Post("/secrets/s/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(r.json["secret"]["state"].GetString(), "PENDING_DELETE");
  int64_t when = r.json["secret"]["scheduled_delete_time"].GetInt64();
  EXPECT_GE(when, now + 7 * kDayMs);
  EXPECT_LT(when, now + 7 * kDayMs + 60'000);

  ExpectCsmsError(api().Post("/secrets/s/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})"), 400,
                  "CSMS.0107");
  ExpectCsmsError(api().Get("/secrets/s/versions/v1"), 400, "CSMS.0103", "scheduled for deletion");
  ExpectCsmsError(api().CreateVersion("s", "two"), 400, "CSMS.0103");
  ExpectCsmsError(api().Put("/secrets/s", R"({"description":"x"})"), 400, "CSMS.0103");
  ExpectCsmsError(api().Put("/secrets/s/versions/v1", R"({"expire_time":1})"), 400, "CSMS.0103");
  ExpectCsmsError(api().Put("/secrets/s/stages/x", R"({"version_id":"v1"})"), 400, "CSMS.0103");
  ExpectCsmsError(api().Delete("/secrets/s/stages/x"), 400, "CSMS.0103");
  ExpectCsmsError(api().Post("/secrets/s/rotate", ""), 400, "CSMS.0103");
  // Metadata stays readable.
  EXPECT_EQ(api().Get("/secrets/s").status, 200);
  EXPECT_EQ(api().Get("/secrets/s/versions").status, 200);
  EXPECT_EQ(api().Get("/secrets/s/stages/SYSCURRENT").status, 200);

  r = api().Post("/secrets/s/scheduled-deleted-tasks/cancel", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(r.json["secret"]["state"].GetString(), "ENABLED");
  EXPECT_TRUE(r.json["secret"]["scheduled_delete_time"].IsNull());
  EXPECT_EQ(Value("s", "v1"), "one");
  ExpectCsmsError(api().Post("/secrets/s/scheduled-deleted-tasks/cancel", ""), 400, "CSMS.0108");

  for (const char* bad : {R"({"recovery_window_in_days":6})", R"({"recovery_window_in_days":31})",
                          R"({"recovery_window_in_days":"7"})"}) {
    ExpectCsmsError(api().Post("/secrets/s/scheduled-deleted-tasks/create", bad), 400, "CSMS.0002",
                    "recovery_window_in_days");
  }
  // Without a body the documented default of 30 days applies.
  r = api().Post("/secrets/s/scheduled-deleted-tasks/create", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.json["secret"]["scheduled_delete_time"].GetInt64(), now + 30 * kDayMs);
  ExpectCsmsError(api().Post("/secrets/ghost/scheduled-deleted-tasks/cancel", ""), 404, "CSMS.0106");
  // An immediate delete still works on a scheduled secret.
  EXPECT_EQ(api().Delete("/secrets/s").status, 200);
}

TEST_F(SecretsTest, RotateAndListTasks) {
  ASSERT_EQ(api().CreateSecret("s", "one").status, 200);
  ASSERT_EQ(api().CreateSecret("t", "one").status, 200);
  auto r = api().Post("/secrets/s/rotate", "");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string task1 = r.json["rotation_task_id"].GetString();
  EXPECT_EQ(task1.size(), 36u);
  EXPECT_STREQ(r.json["version_id"].GetString(), "v2");
  EXPECT_STREQ(r.json["secret_name"].GetString(), "s");
  std::string rotated = Value("s", "latest");
  EXPECT_EQ(rotated.size(), 32u);
  EXPECT_NE(rotated, "one");
  EXPECT_EQ(Stages("s", "v1"), (std::vector<std::string>{"SYSPREVIOUS"}));
  auto shown = api().Get("/secrets/s");
  EXPECT_TRUE(shown.json["secret"].HasMember("rotation_time"));

  ASSERT_EQ(api().Post("/secrets/s/rotate", "").status, 200);
  ASSERT_EQ(api().Post("/secrets/t/rotate", "").status, 200);

  auto all = api().Get("/csms/tasks");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["total"].GetInt(), 3);
  ASSERT_EQ(all.json["tasks"].Size(), 3u);
  // Newest first; rotations within one millisecond tie on time and order by task id, so the
  // first task is found by its id rather than assumed to be last.
  rapidjson::SizeType first = 0;
  while (first < 3 && all.json["tasks"][first]["task_id"].GetString() != task1) ++first;
  ASSERT_LT(first, 3u) << all.body;
  EXPECT_GE(all.json["tasks"][0]["task_time"].GetInt64(), all.json["tasks"][2]["task_time"].GetInt64());
  const auto& t = all.json["tasks"][first];
  EXPECT_STREQ(t["task_id"].GetString(), task1.c_str());
  EXPECT_STREQ(t["secret_name"].GetString(), "s");
  EXPECT_STREQ(t["task_status"].GetString(), "SUCCESS");
  EXPECT_STREQ(t["operate_type"].GetString(), "MANUAL_ROTATION");
  EXPECT_EQ(t["attempt_nums"].GetInt(), 1);
  EXPECT_GT(t["task_time"].GetInt64(), 0);
  EXPECT_STREQ(t["task_error_code"].GetString(), "");

  auto of_s = api().Get("/csms/tasks?secret_name=s");
  EXPECT_EQ(of_s.json["total"].GetInt(), 2);
  auto one = api().Get("/csms/tasks?task_id=" + task1);
  ASSERT_EQ(one.json["tasks"].Size(), 1u);
  EXPECT_STREQ(one.json["tasks"][0]["task_id"].GetString(), task1.c_str());
  EXPECT_EQ(api().Get("/csms/tasks?status=FAILED").json["tasks"].Size(), 0u);
  EXPECT_EQ(api().Get("/csms/tasks?status=SUCCESS").json["total"].GetInt(), 3);

  // Paging by task id.
  std::set<std::string> ids;
  std::string marker;
  for (int i = 0; i < 5; ++i) {
    auto page = api().Get("/csms/tasks?limit=1" + (marker.empty() ? "" : "&marker=" + marker));
    ASSERT_EQ(page.status, 200) << page.body;
    for (const auto& x : page.json["tasks"].GetArray()) ids.insert(x["task_id"].GetString());
    if (!page.json.HasMember("next_marker")) break;
    marker = page.json["next_marker"].GetString();
  }
  EXPECT_EQ(ids.size(), 3u);

  ExpectCsmsError(api().Get("/csms/tasks?task_id=" + task1 + "&secret_name=s"), 400, "CSMS.0002", "task_id");
  ExpectCsmsError(api().Get("/csms/tasks?status=DONE"), 400, "CSMS.0002", "status");
  ExpectCsmsError(api().Get("/csms/tasks?marker=nope"), 400, "CSMS.0805", "marker");
  ExpectCsmsError(api().Get("/csms/tasks?limit=2000"), 400, "CSMS.0002", "limit");
  ExpectCsmsError(api().Post("/secrets/ghost/rotate", ""), 404, "CSMS.0106");
}

}  // namespace
}  // namespace csms::test
