// Tags of secrets over HTTP (spec §1.8): the six operations, their limits and character rules
// (Unicode classes, not ASCII), atomic batches, ListResourceInstances' filters and paging, the
// errors, project isolation, and tags leaving with their secret (immediate and scheduled
// deletion).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/dev_server.h"
#include "support/secrets_helpers.h"
#include "support/two_projects.h"
#include "support/wait.h"

namespace csms::test {
namespace {

std::string TagJson(const std::string& key, const std::string& value) {
  return R"({"key":)" + JsonString(key) + R"(,"value":)" + JsonString(value) + "}";
}

std::string TagsJson(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string out = "[";
  for (size_t i = 0; i < tags.size(); ++i) out += (i ? "," : "") + TagJson(tags[i].first, tags[i].second);
  return out + "]";
}

// The tag calls of one project.
class TagsApi {
 public:
  explicit TagsApi(SecretsApi* api) : api_(api) {}

  std::string NewSecret(const std::string& name) {
    auto r = api_->CreateSecret(name, "value-of-" + name);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json["secret"]["id"].GetString() : "";
  }
  HttpResult Create(const std::string& id, const std::string& key, const std::string& value) {
    return api_->Post("/csms/" + id + "/tags", R"({"tag":)" + TagJson(key, value) + "}");
  }
  HttpResult Batch(const std::string& id, const std::string& action,
                   const std::vector<std::pair<std::string, std::string>>& tags) {
    return api_->Post("/csms/" + id + "/tags/action",
                      R"({"action":")" + action + R"(","tags":)" + TagsJson(tags) + "}");
  }
  // key → value of the secret's tags; fails the test unless the list answers 200.
  std::map<std::string, std::string> List(const std::string& id) {
    std::map<std::string, std::string> out;
    auto r = api_->Get("/csms/" + id + "/tags");
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    EXPECT_TRUE(r.json["sys_tags"].IsArray()) << r.body;
    for (const auto& t : r.json["tags"].GetArray()) out[t["key"].GetString()] = t["value"].GetString();
    return out;
  }
  HttpResult Resources(const std::string& body) { return api_->Post("/csms/resource_instances/action", body); }
  // The names ListResourceInstances selects, in order.
  std::vector<std::string> Names(const std::string& body) {
    std::vector<std::string> out;
    auto r = Resources(body);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    for (const auto& res : r.json["resources"].GetArray()) out.push_back(res["resource_name"].GetString());
    return out;
  }

 private:
  SecretsApi* api_;
};

class TagsTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
    tags_ = std::make_unique<TagsApi>(api_.get());
  }
  std::unique_ptr<SecretsApi> api_;
  std::unique_ptr<TagsApi> tags_;
};

TEST_F(TagsTest, CreateListReplaceAndDelete) {
  std::string id = tags_->NewSecret("tagged");
  auto r = tags_->Create(id, "env", "prod");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty()) << r.body;
  ASSERT_EQ(tags_->Create(id, "team", "").status, 204);
  EXPECT_EQ(tags_->List(id), (std::map<std::string, std::string>{{"env", "prod"}, {"team", ""}}));

  // One value per key: creating an existing key replaces its value.
  ASSERT_EQ(tags_->Create(id, "env", "staging").status, 204);
  EXPECT_EQ(tags_->List(id), (std::map<std::string, std::string>{{"env", "staging"}, {"team", ""}}));

  r = api_->Delete("/csms/" + id + "/tags/env");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(tags_->List(id), (std::map<std::string, std::string>{{"team", ""}}));
  ExpectCsmsError(api_->Delete("/csms/" + id + "/tags/env"), 404, "CSMS.0005", "tag env");

  // A key with a space and non-ASCII letters travels percent-encoded in the path.
  ASSERT_EQ(tags_->Create(id, "Kostenstelle Süd", "x").status, 204);
  EXPECT_EQ(api_->Delete("/csms/" + id + "/tags/Kostenstelle%20S%C3%BCd").status, 204);
}

TEST_F(TagsTest, TwentyTagsPerSecret) {
  std::string id = tags_->NewSecret("full");
  for (int i = 0; i < 20; ++i) ASSERT_EQ(tags_->Create(id, "k" + std::to_string(i), "v").status, 204) << i;
  ExpectCsmsError(tags_->Create(id, "k20", "v"), 400, "CSMS.0205", "at most 20");
  // Re-valuing one of the twenty adds no tag.
  EXPECT_EQ(tags_->Create(id, "k3", "new").status, 204);
  auto all = tags_->List(id);
  EXPECT_EQ(all.size(), 20u);
  EXPECT_EQ(all["k3"], "new");
  EXPECT_EQ(all.count("k20"), 0u);
}

TEST_F(TagsTest, KeyAndValueRules) {
  std::string id = tags_->NewSecret("rules");
  EXPECT_EQ(tags_->Create(id, std::string(128, 'k'), "").status, 204);
  ExpectCsmsError(tags_->Create(id, std::string(129, 'k'), ""), 400, "CSMS.0002", "tag.key");
  ExpectCsmsError(tags_->Create(id, "", "v"), 400, "CSMS.0002", "tag.key");
  EXPECT_EQ(tags_->Create(id, "v255", std::string(255, 'v')).status, 204);
  ExpectCsmsError(tags_->Create(id, "v256", std::string(256, 'v')), 400, "CSMS.0002", "tag.value");
  // Lengths count characters, not bytes: 128 three-byte letters are a valid key.
  std::string han;
  for (int i = 0; i < 128; ++i) han += "漢";
  EXPECT_EQ(tags_->Create(id, han, "").status, 204);

  // Unicode letters, numbers (any script, also letter-like numbers) and spaces; _ . : = + - @.
  for (std::string key : {"环境 名", "Ünïcödé", "число١٢٣", "Ⅻ½", "a_b.c:d=e+f-g@h", "inner space"}) {
    EXPECT_EQ(tags_->Create(id, key, "ok").status, 204) << key;
  }
  // Values may also hold '/'.
  EXPECT_EQ(tags_->Create(id, "path", "a/b c:d@e_1").status, 204);

  for (std::string bad :
       {"a/b", "a*b", "a#b", "emoji😀", "tab\tkey", " lead", "trail ", "\u3000ideographic", "_sys_reserved", "a\"b"}) {
    ExpectCsmsError(tags_->Create(id, bad, "v"), 400, "CSMS.0002", "tag.key");
  }
  for (std::string bad : {"a*b", "emoji😀", "line\nbreak", "semi;colon"}) {
    ExpectCsmsError(tags_->Create(id, "k", bad), 400, "CSMS.0002", "tag.value");
  }
  EXPECT_EQ(tags_->List(id).count("k"), 0u);
  ExpectCsmsError(api_->Post("/csms/" + id + "/tags", R"({"tag":{"value":"v"}})"), 400, "CSMS.0002", "tag.key");
  ExpectCsmsError(api_->Post("/csms/" + id + "/tags", R"({})"), 400, "CSMS.0002", "tag");
}

TEST_F(TagsTest, BatchCreatesAndDeletesAtomically) {
  std::string id = tags_->NewSecret("batch");
  auto r = tags_->Batch(id, "create", {{"a", "1"}, {"b", "2"}, {"c", "3"}});
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(tags_->List(id), (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"c", "3"}}));

  // One bad item: nothing of the batch happens.
  auto before = tags_->List(id);
  ExpectCsmsError(tags_->Batch(id, "create", {{"a", "changed"}, {"d", "4"}, {"bad/key", "5"}}), 400, "CSMS.0002",
                  "tags[2].key");
  EXPECT_EQ(tags_->List(id), before);
  // A batch that would take the secret past 20 tags: nothing happens either.
  std::vector<std::pair<std::string, std::string>> eighteen;
  for (int i = 0; i < 18; ++i) eighteen.emplace_back("n" + std::to_string(i), "v");
  ExpectCsmsError(tags_->Batch(id, "create", eighteen), 400, "CSMS.0205");
  EXPECT_EQ(tags_->List(id), before);
  // 21 items is refused whatever they are; 20 is the maximum.
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 21; ++i) many.emplace_back("m" + std::to_string(i), "v");
  ExpectCsmsError(tags_->Batch(id, "delete", many), 400, "CSMS.0002", "1 to 20");
  ExpectCsmsError(tags_->Batch(id, "create", {}), 400, "CSMS.0002", "1 to 20");
  ExpectCsmsError(tags_->Batch(id, "create", {{"x", "1"}, {"x", "2"}}), 400, "CSMS.0002", "twice");
  ExpectCsmsError(tags_->Batch(id, "upsert", {{"x", "1"}}), 400, "CSMS.0002", "action");
  EXPECT_EQ(tags_->List(id), before);

  // Delete: by key, the absent ones ignored.
  EXPECT_EQ(tags_->Batch(id, "delete", {{"a", ""}, {"c", "whatever"}, {"never", ""}}).status, 204);
  EXPECT_EQ(tags_->List(id), (std::map<std::string, std::string>{{"b", "2"}}));
  ExpectCsmsError(api_->Post("/csms/" + id + "/tags/action", R"({"action":"create","tags":[{"key":"q"}],)"
                                                             R"("sequence":")" +
                                                                 std::string(37, 's') + R"("})"),
                  400, "CSMS.0002", "sequence");
}

TEST_F(TagsTest, UnknownSecretIdIsNotFound) {
  const std::string unknown = "00000000-0000-4000-8000-000000000000";
  ExpectCsmsError(tags_->Create(unknown, "k", "v"), 404, "CSMS.0106");
  ExpectCsmsError(api_->Get("/csms/" + unknown + "/tags"), 404, "CSMS.0106");
  ExpectCsmsError(api_->Delete("/csms/" + unknown + "/tags/k"), 404, "CSMS.0106");
  ExpectCsmsError(tags_->Batch(unknown, "create", {{"k", "v"}}), 404, "CSMS.0106");
  // A secret's name is not its id.
  tags_->NewSecret("by-name");
  ExpectCsmsError(tags_->Create("by-name", "k", "v"), 404, "CSMS.0106");
}

TEST_F(TagsTest, ProjectTagsListEveryKeyWithItsValues) {
  auto r = api_->Get("/csms/tags");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["tags"].Size(), 0u);
  std::string one = tags_->NewSecret("one"), two = tags_->NewSecret("two"), three = tags_->NewSecret("three");
  ASSERT_EQ(tags_->Batch(one, "create", {{"env", "prod"}, {"team", "a"}}).status, 204);
  ASSERT_EQ(tags_->Batch(two, "create", {{"env", "dev"}, {"team", "a"}}).status, 204);
  ASSERT_EQ(tags_->Batch(three, "create", {{"env", "prod"}, {"solo", ""}}).status, 204);
  r = api_->Get("/csms/tags");
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::vector<std::string>> got;
  for (const auto& t : r.json["tags"].GetArray()) {
    for (const auto& v : t["values"].GetArray()) got[t["key"].GetString()].push_back(v.GetString());
  }
  EXPECT_EQ(got, (std::map<std::string, std::vector<std::string>>{
                     {"env", {"dev", "prod"}}, {"solo", {""}}, {"team", {"a"}}}));
}

TEST_F(TagsTest, ResourceInstancesFilterAndCount) {
  std::string alpha = tags_->NewSecret("app-alpha"), beta = tags_->NewSecret("app-beta");
  std::string gamma = tags_->NewSecret("db-gamma"), delta = tags_->NewSecret("db-delta");
  tags_->NewSecret("untagged");
  ASSERT_EQ(tags_->Batch(alpha, "create", {{"env", "prod"}, {"team", "a"}}).status, 204);
  ASSERT_EQ(tags_->Batch(beta, "create", {{"env", "dev"}, {"team", "a"}}).status, 204);
  ASSERT_EQ(tags_->Batch(gamma, "create", {{"env", "prod"}, {"team", "b"}}).status, 204);
  ASSERT_EQ(tags_->Batch(delta, "create", {{"env", "test"}}).status, 204);

  using V = std::vector<std::string>;
  EXPECT_EQ(tags_->Names(R"({"action":"filter","limit":"100"})"),
            (V{"app-alpha", "app-beta", "db-delta", "db-gamma", "untagged"}));
  // Values of one key are OR-ed.
  EXPECT_EQ(tags_->Names(R"({"action":"filter","tags":[{"key":"env","values":["prod","dev"]}]})"),
            (V{"app-alpha", "app-beta", "db-gamma"}));
  // Keys are AND-ed.
  EXPECT_EQ(tags_->Names(R"({"action":"filter","tags":[{"key":"env","values":["prod"]},)"
                         R"({"key":"team","values":["a"]}]})"),
            (V{"app-alpha"}));
  // No values: any value of the key.
  EXPECT_EQ(tags_->Names(R"({"action":"filter","tags":[{"key":"team","values":[]}]})"),
            (V{"app-alpha", "app-beta", "db-gamma"}));
  EXPECT_EQ(tags_->Names(R"({"action":"filter","tags":[{"key":"team"},{"key":"env","values":["test"]}]})"), V{});
  // matches: a substring of the name, combined with the tags.
  EXPECT_EQ(tags_->Names(R"({"action":"filter","matches":[{"key":"resource_name","value":"db-"}]})"),
            (V{"db-delta", "db-gamma"}));
  EXPECT_EQ(tags_->Names(R"({"action":"filter","matches":[{"key":"resource_name","value":"app"}],)"
                         R"("tags":[{"key":"env","values":["prod"]}]})"),
            (V{"app-alpha"}));

  // limit and offset are strings; total_count counts every match, not the page.
  auto r = tags_->Resources(R"({"action":"filter","limit":"2","offset":"1","tags":[{"key":"env"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total_count"].GetInt64(), 4);
  ASSERT_EQ(r.json["resources"].Size(), 2u);
  EXPECT_STREQ(r.json["resources"][0]["resource_name"].GetString(), "app-beta");
  EXPECT_STREQ(r.json["resources"][1]["resource_name"].GetString(), "db-delta");
  r = tags_->Resources(R"({"action":"filter","offset":"10"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total_count"].GetInt64(), 5);
  EXPECT_EQ(r.json["resources"].Size(), 0u);
  // The default page is 10.
  for (int i = 0; i < 8; ++i) tags_->NewSecret("more-" + std::to_string(i));
  EXPECT_EQ(tags_->Names(R"({"action":"filter"})").size(), 10u);

  r = tags_->Resources(R"({"action":"count","tags":[{"key":"env","values":["prod"]}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total_count"].GetInt64(), 2);

  // Each resource: id, name, the Secret as ShowSecret answers it, its tags, sys_tags.
  r = tags_->Resources(R"({"action":"filter","tags":[{"key":"env","values":["dev"]}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["resources"].Size(), 1u);
  const auto& res = r.json["resources"][0];
  EXPECT_EQ(std::string(res["resource_id"].GetString()), beta);
  auto shown = api_->Get("/secrets/app-beta");
  ASSERT_EQ(shown.status, 200);
  EXPECT_TRUE(res["resource_detail"] == shown.json["secret"]) << r.body << "\n" << shown.body;
  EXPECT_EQ(res["tags"].Size(), 2u);
  EXPECT_TRUE(res["sys_tags"].IsArray());
}

TEST_F(TagsTest, ResourceInstancesRefuseBadRequests) {
  for (std::string body : {
           R"({})",
           R"({"action":"list"})",
           R"({"action":"filter","limit":"0"})",
           R"({"action":"filter","limit":"1001"})",
           R"({"action":"filter","limit":5})",
           R"({"action":"filter","limit":"5x"})",
           R"({"action":"filter","offset":"-1"})",
           R"({"action":"filter","offset":""})",
           R"({"action":"filter","tags":{"key":"a"}})",
           R"({"action":"filter","tags":[{"values":["a"]}]})",
           R"({"action":"filter","tags":[{"key":"a","values":["1","2","3","4","5","6","7","8","9","10","11"]}]})",
           R"({"action":"filter","tags":[{"key":"1"},{"key":"2"},{"key":"3"},{"key":"4"},{"key":"5"},{"key":"6"},)"
           R"({"key":"7"},{"key":"8"},{"key":"9"},{"key":"10"},{"key":"11"}]})",
           R"({"action":"filter","matches":[{"key":"resource_id","value":"x"}]})",
       }) {
    auto r = tags_->Resources(body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
    EXPECT_EQ(r.ErrorCode(), "CSMS.0002") << body << " → " << r.body;
  }
  EXPECT_EQ(tags_->Resources(R"({"action":"filter","limit":"1000","offset":"0"})").status, 200);
}

TEST_F(TagsTest, TagsLeaveWithTheSecret) {
  std::string id = tags_->NewSecret("short-lived");
  ASSERT_EQ(tags_->Batch(id, "create", {{"gone", "soon"}}).status, 204);
  ASSERT_EQ(api_->Delete("/secrets/short-lived").status, 200);
  ExpectCsmsError(api_->Get("/csms/" + id + "/tags"), 404, "CSMS.0106");
  auto r = api_->Get("/csms/tags");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["tags"].Size(), 0u) << r.body;
  // A new secret of the same name starts without tags.
  std::string again = tags_->NewSecret("short-lived");
  EXPECT_NE(again, id);
  EXPECT_TRUE(tags_->List(again).empty());

  // Scheduled deletion: the tags go when the scheduler deletes the secret.
  ASSERT_EQ(tags_->Batch(again, "create", {{"scheduled", "yes"}}).status, 204);
  ASSERT_EQ(
      api_->Post("/secrets/short-lived/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})").status,
      200);
  EXPECT_EQ(tags_->List(again).size(), 1u);  // still there while the secret can be restored
  api_->AdvanceAndTick(8 * kDayMs);
  ASSERT_TRUE(WaitUntil([&] { return api_->Get("/secrets/short-lived").status == 404; }, std::chrono::seconds(30)));
  ExpectCsmsError(api_->Get("/csms/" + again + "/tags"), 404, "CSMS.0106");
  r = api_->Get("/csms/tags");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["tags"].Size(), 0u) << r.body;
  r = tags_->Resources(R"({"action":"count","tags":[{"key":"scheduled"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total_count"].GetInt64(), 0);
}

TEST(TagsIsolationTest, AnotherProjectsSecretIdIsInvisible) {
  TwoProjects p;
  ASSERT_TRUE(p.Start());
  TagsApi a(p.a.get()), b(p.b.get());
  std::string id_b = b.NewSecret("only-b");
  ASSERT_EQ(b.Create(id_b, "owner", "b").status, 204);
  std::string id_a = a.NewSecret("only-a");
  ASSERT_EQ(a.Create(id_a, "owner", "a").status, 204);

  // B's secret id under A's path: unknown, and nothing of B changes.
  ExpectCsmsError(p.a->Get("/csms/" + id_b + "/tags"), 404, "CSMS.0106");
  ExpectCsmsError(a.Create(id_b, "owner", "a"), 404, "CSMS.0106");
  ExpectCsmsError(a.Batch(id_b, "delete", {{"owner", ""}}), 404, "CSMS.0106");
  ExpectCsmsError(p.a->Delete("/csms/" + id_b + "/tags/owner"), 404, "CSMS.0106");
  EXPECT_EQ(b.List(id_b), (std::map<std::string, std::string>{{"owner", "b"}}));

  // Project lists and filters see only the project's own secrets and tags.
  auto r = p.a->Get("/csms/tags");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["tags"].Size(), 1u);
  ASSERT_EQ(r.json["tags"][0]["values"].Size(), 1u);
  EXPECT_STREQ(r.json["tags"][0]["values"][0].GetString(), "a");
  EXPECT_EQ(a.Names(R"({"action":"filter","tags":[{"key":"owner"}]})"), std::vector<std::string>{"only-a"});
  // Another project's path is refused outright.
  EXPECT_EQ(p.client_a->Request("GET", "/v1/" + p.project_b + "/csms/tags").status, 403);
}

}  // namespace
}  // namespace csms::test
