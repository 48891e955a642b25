// BatchImportSecrets over HTTP against the real csmsd: each item succeeds or fails on its own
// (duplicates, invalid fields, wrong JSON shapes, the quota counted as the items go), successes fire
// their triggers like single creates and failures fire nothing, and the request's own limits.
#include <gtest/gtest.h>

#include <map>

#include "support/secrets_helpers.h"

namespace csms::test {
namespace {

std::string Item(const std::string& name, const std::string& value, const std::string& extra = "") {
  return R"({"name":")" + name + R"(","secret_string":)" + JsonString(value) + extra + "}";
}

std::string Batch(const std::vector<std::string>& items) {
  std::string body = R"({"secrets":[)";
  for (size_t i = 0; i < items.size(); ++i) body += (i ? "," : "") + items[i];
  return body + "]}";
}

// name → error_msg of the answer's error_list (checking the shape on the way).
std::map<std::string, std::string> Errors(const HttpResult& r) {
  std::map<std::string, std::string> out;
  EXPECT_TRUE(r.json.IsObject() && r.json.HasMember("error_list") && r.json["error_list"].IsArray()) << r.body;
  if (!r.json.IsObject() || !r.json.HasMember("error_list")) return out;
  for (const auto& e : r.json["error_list"].GetArray()) {
    EXPECT_TRUE(e["name"].IsString() && e["error_msg"].IsString()) << r.body;
    out[e["name"].GetString()] += e["error_msg"].GetString();
  }
  return out;
}

void ExpectCounts(const HttpResult& r, int total, int success, int failed) {
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"].GetInt(), total) << r.body;
  EXPECT_EQ(r.json["success"].GetInt(), success) << r.body;
  EXPECT_EQ(r.json["failed"].GetInt(), failed) << r.body;
  EXPECT_EQ(static_cast<int>(r.json["error_list"].Size()), failed) << r.body;
}

class SecretImportTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  }
  SecretsApi& api() { return *api_; }
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(SecretImportTest, MixedItemsSucceedOrFailEachOnTheirOwn) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_VERSION_CREATED"}).status, 200);
  ASSERT_EQ(api().CreateSecret("exists", "old-value").status, 200);
  auto r = api().Post("/secrets/batch-import",
                      Batch({Item("first", "value-1", R"(,"event_subscriptions":["ev"],"description":"d1")"),
                             Item("exists", "new-value", R"(,"event_subscriptions":["ev"])"),  // taken
                             Item("bad name!", "v"),                                           // invalid name
                             R"({"name":"typed","secret_string":5})",                          // wrong JSON type
                             R"(42)",                                                          // not an object
                             R"({"name":"both","secret_string":"a","secret_binary":"YQ=="})",  // two values
                             Item("no-event", "v", R"(,"event_subscriptions":["missing"])"),
                             Item("first", "again"),  // a duplicate inside the batch
                             Item("second", "value-2", R"(,"event_subscriptions":["ev"])")}));
  ExpectCounts(r, 9, 2, 7);
  auto errors = Errors(r);
  EXPECT_NE(errors["exists"].find("CSMS.0801"), std::string::npos) << r.body;
  EXPECT_NE(errors["bad name!"].find("name"), std::string::npos) << r.body;
  EXPECT_NE(errors["typed"].find("secret_string"), std::string::npos) << r.body;
  EXPECT_NE(errors[""].find("secrets[4]"), std::string::npos) << r.body;
  EXPECT_NE(errors["both"].find("CSMS.0002"), std::string::npos) << r.body;
  EXPECT_NE(errors["no-event"].find("CSMS.0804"), std::string::npos) << r.body;
  EXPECT_NE(errors["first"].find("CSMS.0801"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("value-1"), std::string::npos);  // values are never echoed

  // The successes are real secrets with their values, the failures changed nothing.
  auto first = api().Get("/secrets/first/versions/latest");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_STREQ(first.json["version"]["secret_string"].GetString(), "value-1");
  auto meta = api().Get("/secrets/first");
  EXPECT_STREQ(meta.json["secret"]["description"].GetString(), "d1");
  EXPECT_STREQ(api().Get("/secrets/second/versions/latest").json["version"]["secret_string"].GetString(), "value-2");
  EXPECT_STREQ(api().Get("/secrets/exists/versions/latest").json["version"]["secret_string"].GetString(), "old-value");
  for (const char* missing : {"typed", "both", "no-event"}) {
    EXPECT_EQ(api().Get(std::string("/secrets/") + missing).status, 404) << missing;
  }
  auto list = api().Get("/secrets");
  EXPECT_EQ(list.json["secrets"].Size(), 3u) << list.body;

  // Triggers: SECRET_VERSION_CREATED for each created secret, nothing for the failed items.
  EXPECT_EQ(api().OutboxTypes("first"), std::vector<std::string>{"SECRET_VERSION_CREATED"});
  EXPECT_EQ(api().OutboxTypes("second"), std::vector<std::string>{"SECRET_VERSION_CREATED"});
  EXPECT_TRUE(api().OutboxTypes("exists").empty());
  EXPECT_EQ(api().Outbox().size(), 2u);
}

TEST_F(SecretImportTest, RequestLimitsAndShapes) {
  ExpectCsmsError(api().Post("/secrets/batch-import", "{}"), 400, "CSMS.0002", "secrets");
  ExpectCsmsError(api().Post("/secrets/batch-import", R"({"secrets":{}})"), 400, "CSMS.0002", "secrets");
  ExpectCsmsError(api().Post("/secrets/batch-import", R"({"secrets":[]})"), 400, "CSMS.0002", "secrets");
  ExpectCsmsError(api().Post("/secrets/batch-import", "[1]"), 400, "CSMS.0004");
  ExpectCsmsError(api().Post("/secrets/batch-import", ""), 400, "CSMS.0004");

  // More than 200 items: refused as a whole, nothing created.
  std::vector<std::string> items;
  for (int i = 0; i < 201; ++i) items.push_back(Item("s" + std::to_string(i), "v"));
  ExpectCsmsError(api().Post("/secrets/batch-import", Batch(items)), 400, "CSMS.0002", "200");
  EXPECT_EQ(api().Get("/secrets").json["secrets"].Size(), 0u);

  // An item that names a rotation period it cannot have, and a valid binary item.
  auto r =
      api().Post("/secrets/batch-import",
                 Batch({Item("rot", "v", R"(,"auto_rotation":true)"), R"({"name":"bin","secret_binary":"AAEC"})"}));
  ExpectCounts(r, 2, 1, 1);
  EXPECT_NE(Errors(r)["rot"].find("rotation_period"), std::string::npos) << r.body;
}

class SecretImportQuotaTest : public SecretImportTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--secret-quota", "3"}; }
};

TEST_F(SecretImportQuotaTest, QuotaIsCountedAsTheItemsGo) {
  ASSERT_EQ(api().CreateSecret("before", "v").status, 200);
  auto r = api().Post("/secrets/batch-import",
                      Batch({Item("a", "v"), Item("a", "v"), Item("b", "v"), Item("c", "v"), Item("d", "v")}));
  ExpectCounts(r, 5, 2, 3);
  auto errors = Errors(r);
  EXPECT_NE(errors["a"].find("CSMS.0801"), std::string::npos) << r.body;  // the duplicate, not the first
  EXPECT_NE(errors["c"].find("CSMS.0202"), std::string::npos) << r.body;
  EXPECT_NE(errors["d"].find("CSMS.0202"), std::string::npos) << r.body;
  EXPECT_EQ(api().Get("/secrets/b").status, 200);
  EXPECT_EQ(api().Get("/secrets/c").status, 404);

  // Room again after a delete: the next import fills it.
  ASSERT_EQ(api().Delete("/secrets/before").status, 200);
  ExpectCounts(api().Post("/secrets/batch-import", Batch({Item("c", "v"), Item("d", "v")})), 2, 1, 1);
}

}  // namespace
}  // namespace csms::test
