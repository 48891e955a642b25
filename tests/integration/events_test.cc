// Events API over HTTP against the real csmsd: CRUD, the seed's shapes field by field, keyset
// paging, and every bad-input class answering a specific CSMS error.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <set>

#include "common/clock.h"
#include "service/event_service.h"
#include "store/store.h"

#include "support/dev_server.h"
#include "support/engine.h"
#include "support/event_bodies.h"
#include "support/signed_request.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace csms::test {
namespace {

// The seed's SMN event, with any piece replaced by raw JSON for the bad-input tests.
std::string SeedEventBody(const std::string& name, const std::string& types = R"(["SECRET_VERSION_CREATED"])",
                          const std::string& state = "ENABLED",
                          const std::string& notification =
                              SmnTargetJson("urn:smn:cn-north-4:dc3b7c85759141a991da17423c0f2068:smn-target-name",
                                            "smn-target-name")) {
  return RawEventBody(name, types, state, notification);
}

class EventsTest : public DevServerTest {
 protected:
  HttpResult Create(const std::string& body) { return client_->Request("POST", Path("/csms/events"), body); }
  void ExpectError(const HttpResult& r, int status, const std::string& code, const std::string& msg_part = "") {
    EXPECT_EQ(r.status, status) << r.body;
    ASSERT_TRUE(r.ok_json) << r.body;
    EXPECT_EQ(r.ErrorCode(), code) << r.body;
    ASSERT_TRUE(r.json.HasMember("error")) << r.body;
    EXPECT_EQ(std::string(r.json["error"]["error_code"].GetString()), code);
    EXPECT_EQ(std::string(r.json["error"]["error_msg"].GetString()), std::string(r.json["error_msg"].GetString()));
    if (!msg_part.empty()) {
      EXPECT_NE(std::string(r.json["error_msg"].GetString()).find(msg_part), std::string::npos) << r.body;
    }
    EXPECT_FALSE(r.Header("x-request-id").empty());
  }
  int CountEvents() {
    auto r = client_->Request("GET", Path("/csms/events?limit=1000"));
    return r.status == 200 ? static_cast<int>(r.json["events"].Size()) : -1;
  }
};

TEST_F(EventsTest, CreateAndShowMatchTheSeedShapeFieldByField) {
  std::string body = SeedEventBody(
      "TestEvent1",
      R"(["SECRET_VERSION_CREATED","SECRET_VERSION_EXPIRED","SECRET_VERSION_NEAR_EXPIRY","SECRET_DELETED"])");
  auto created = Create(body);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.Header("content-type"), "application/json;charset=UTF-8");
  const auto& e = created.json["event"];
  EXPECT_STREQ(e["state"].GetString(), "ENABLED");
  EXPECT_STREQ(e["name"].GetString(), "TestEvent1");
  std::string id = e["event_id"].GetString();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[14], '4');
  ASSERT_EQ(e["event_types"].Size(), 4u);
  EXPECT_STREQ(e["event_types"][2].GetString(), "SECRET_VERSION_NEAR_EXPIRY");
  ASSERT_TRUE(e["create_time"].IsInt64());
  EXPECT_GT(e["create_time"].GetInt64(), 1'600'000'000'000);  // milliseconds, 13 digits
  EXPECT_EQ(e["create_time"].GetInt64(), e["update_time"].GetInt64());
  EXPECT_STREQ(e["notification"]["target_type"].GetString(), "SMN");
  EXPECT_STREQ(e["notification"]["target_id"].GetString(),
               "urn:smn:cn-north-4:dc3b7c85759141a991da17423c0f2068:smn-target-name");
  EXPECT_STREQ(e["notification"]["target_name"].GetString(), "smn-target-name");

  auto shown = client_->Request("GET", Path("/csms/events/TestEvent1"));
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body, created.body);

  auto listed = client_->Request("GET", Path("/csms/events"));
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json["events"].Size(), 1u);
  EXPECT_STREQ(listed.json["events"][0]["event_id"].GetString(), id.c_str());
  EXPECT_EQ(listed.json["page_info"]["current_count"].GetInt(), 1);
  EXPECT_STREQ(listed.json["page_info"]["previous_marker"].GetString(), "TestEvent1");
  EXPECT_FALSE(listed.json["page_info"].HasMember("next_marker"));
}

TEST_F(EventsTest, UpdateChangesOnlySuppliedFields) {
  ASSERT_EQ(Create(SeedEventBody("ev", R"(["SECRET_DELETED"])")).status, 200);
  auto before = client_->Request("GET", Path("/csms/events/ev"));
  auto r = client_->Request("PUT", Path("/csms/events/ev"), R"({"state":"DISABLED"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& e = r.json["event"];
  EXPECT_STREQ(e["state"].GetString(), "DISABLED");
  EXPECT_STREQ(e["event_types"][0].GetString(), "SECRET_DELETED");
  EXPECT_STREQ(e["notification"]["target_name"].GetString(), "smn-target-name");
  EXPECT_STREQ(e["event_id"].GetString(), before.json["event"]["event_id"].GetString());
  EXPECT_EQ(e["create_time"].GetInt64(), before.json["event"]["create_time"].GetInt64());
  EXPECT_GE(e["update_time"].GetInt64(), before.json["event"]["update_time"].GetInt64());

  r = client_->Request(
      "PUT", Path("/csms/events/ev"),
      R"({"event_types":["SECRET_ROTATED","SECRET_ROTATED_FAILED"],"notification":{"target_type":"WEBHOOK","target_id":"https://hooks.example.com/csms?x=1","target_name":"hook"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(r.json["event"]["state"].GetString(), "DISABLED");
  EXPECT_EQ(r.json["event"]["event_types"].Size(), 2u);
  EXPECT_STREQ(r.json["event"]["notification"]["target_type"].GetString(), "WEBHOOK");

  // Becoming a WEBHOOK event gives it a signing secret, shown in this response only (docs/api.md
  // "Delivery"); otherwise the update answers what a show answers.
  ASSERT_TRUE(r.json["event"]["notification"].HasMember("signing_secret"));
  std::string secret_field =
      std::string(R"(,"signing_secret":")") + r.json["event"]["notification"]["signing_secret"].GetString() + "\"";
  std::string without_secret = r.body;
  without_secret.erase(without_secret.find(secret_field), secret_field.size());
  auto shown = client_->Request("GET", Path("/csms/events/ev"));
  EXPECT_EQ(shown.body, without_secret);
}

TEST_F(EventsTest, DeleteAnswers204AndThenNotFound) {
  ASSERT_EQ(Create(SeedEventBody("gone")).status, 200);
  auto r = client_->Request("DELETE", Path("/csms/events/gone"), "", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  ExpectError(client_->Request("GET", Path("/csms/events/gone")), 404, "CSMS.0005", "gone");
  ExpectError(client_->Request("DELETE", Path("/csms/events/gone")), 404, "CSMS.0005");
  ExpectError(client_->Request("PUT", Path("/csms/events/gone"), R"({"state":"ENABLED"})"), 404, "CSMS.0005");
}

class ManyEventsTest : public EventsTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--event-quota", "500"}; }
};

TEST_F(ManyEventsTest, PagesThrough120EventsWithLimit50) {
  std::set<std::string> expected;
  for (int i = 0; i < 120; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "event-%03d", (i * 37) % 120);  // created out of order
    ASSERT_EQ(Create(SeedEventBody(name)).status, 200);
    expected.insert(name);
  }
  std::vector<std::string> seen;
  std::string marker;
  std::vector<int> page_sizes;
  for (int page = 0; page < 10; ++page) {
    std::string target = Path("/csms/events?limit=50") + (marker.empty() ? "" : "&marker=" + marker);
    auto r = client_->Request("GET", target);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto& events = r.json["events"];
    page_sizes.push_back(events.Size());
    EXPECT_EQ(r.json["page_info"]["current_count"].GetInt(), static_cast<int>(events.Size()));
    for (const auto& e : events.GetArray()) seen.push_back(e["name"].GetString());
    if (events.Size() > 0) {
      EXPECT_STREQ(r.json["page_info"]["previous_marker"].GetString(), events[0]["name"].GetString());
    }
    if (!r.json["page_info"].HasMember("next_marker")) break;
    marker = r.json["page_info"]["next_marker"].GetString();
    EXPECT_EQ(marker, events[events.Size() - 1]["name"].GetString());
  }
  EXPECT_EQ(page_sizes, (std::vector<int>{50, 50, 20}));
  ASSERT_EQ(seen.size(), 120u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);

  // Generic clients page with the last item's name until an empty array: the key must be there.
  auto after_last = client_->Request("GET", Path("/csms/events?limit=50&marker=event-119"));
  ASSERT_EQ(after_last.status, 200);
  ASSERT_TRUE(after_last.json["events"].IsArray());
  EXPECT_EQ(after_last.json["events"].Size(), 0u);
  EXPECT_EQ(after_last.json["page_info"]["current_count"].GetInt(), 0);

  // Default page size is 50.
  auto first = client_->Request("GET", Path("/csms/events"));
  EXPECT_EQ(first.json["events"].Size(), 50u);
  // A marker of a since-deleted event still continues after its position.
  auto gap = client_->Request("GET", Path("/csms/events?limit=2&marker=event-0505"));
  ASSERT_EQ(gap.status, 200);
  EXPECT_STREQ(gap.json["events"][0]["name"].GetString(), "event-051");
}

TEST_F(EventsTest, SdkQuirksAreAccepted) {
  ASSERT_EQ(client_
                ->Request("POST", Path("/csms/events"), SeedEventBody("q1"),
                          {{"Content-Type", "application/json;charset=UTF-8"}})
                .status,
            200);
  // The C++ SDK ends its query with '&' and sends Content-Type on a bodiless GET.
  auto r = client_->Request("GET", Path("/csms/events?limit=10&marker=a&"), "", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["events"].Size(), 1u);
  // A trailing slash is the same resource.
  EXPECT_EQ(client_->Request("GET", Path("/csms/events/q1/")).status, 200);
  // X-Request-Id is echoed when the caller sends one.
  auto echoed = client_->Request("GET", Path("/csms/events"), "", {{"X-Request-Id", "my-trace-123"}});
  EXPECT_EQ(echoed.Header("x-request-id"), "my-trace-123");
}

TEST_F(EventsTest, MalformedBodiesAnswerCsms0004) {
  ExpectError(Create(""), 400, "CSMS.0004");
  ExpectError(Create("{"), 400, "CSMS.0004");
  ExpectError(Create("[]"), 400, "CSMS.0004", "object");
  ExpectError(Create(SeedEventBody("x") + "garbage"), 400, "CSMS.0004");
  ExpectError(Create("\"just a string\""), 400, "CSMS.0004");
  EXPECT_EQ(CountEvents(), 0);
}

TEST_F(EventsTest, InvalidFieldsAnswerCsms0002NamingTheField) {
  ExpectError(
      Create(
          R"({"event_types":["SECRET_DELETED"],"state":"ENABLED","notification":{"target_type":"SMN","target_id":"urn:x","target_name":"t"}})"),
      400, "CSMS.0002", "name");
  ExpectError(Create(SeedEventBody("bad name")), 400, "CSMS.0002", "name");
  ExpectError(Create(SeedEventBody("")), 400, "CSMS.0002", "name");
  ExpectError(Create(SeedEventBody(std::string(65, 'a'))), 400, "CSMS.0002", "name");
  ExpectError(
      Create(
          R"({"name":42,"event_types":["SECRET_DELETED"],"state":"ENABLED","notification":{"target_type":"SMN","target_id":"u","target_name":"t"}})"),
      400, "CSMS.0002", "name");
  ExpectError(Create(SeedEventBody("e", "[]")), 400, "CSMS.0002", "event_types");
  ExpectError(Create(SeedEventBody("e", R"("SECRET_DELETED")")), 400, "CSMS.0002", "event_types");
  ExpectError(Create(SeedEventBody("e", R"(["SECRET_EXPLODED"])")), 400, "CSMS.0002", "SECRET_EXPLODED");
  ExpectError(Create(SeedEventBody("e", R"(["SECRET_DELETED","SECRET_DELETED"])")), 400, "CSMS.0002", "duplicate");
  ExpectError(Create(SeedEventBody("e", R"([1])")), 400, "CSMS.0002", "event_types");
  ExpectError(Create(SeedEventBody("e", R"(["SECRET_DELETED"])", "ON")), 400, "CSMS.0002", "state");
  ExpectError(Create(SeedEventBody("e", R"(["SECRET_DELETED"])", "ENABLED", "null")), 400, "CSMS.0002", "notification");
  ExpectError(Create(SeedEventBody("e", R"(["SECRET_DELETED"])", "ENABLED",
                                   R"({"target_type":"SMS","target_id":"u","target_name":"t"})")),
              400, "CSMS.0002", "notification.target_type");
  ExpectError(Create(SeedEventBody("e", R"(["SECRET_DELETED"])", "ENABLED",
                                   R"({"target_type":"SMN","target_id":"has space","target_name":"t"})")),
              400, "CSMS.0002", "notification.target_id");
  ExpectError(Create(SeedEventBody(
                  "e", R"(["SECRET_DELETED"])", "ENABLED",
                  R"({"target_type":"SMN","target_id":")" + std::string(257, 'u') + R"(","target_name":"t"})")),
              400, "CSMS.0002", "notification.target_id");
  ExpectError(Create(SeedEventBody("e", R"(["SECRET_DELETED"])", "ENABLED",
                                   R"({"target_type":"SMN","target_id":"urn:x","target_name":"a/b"})")),
              400, "CSMS.0002", "notification.target_name");
  ExpectError(
      Create(SeedEventBody("e", R"(["SECRET_DELETED"])", "ENABLED", R"({"target_type":"SMN","target_id":"urn:x"})")),
      400, "CSMS.0002", "notification.target_name");
  ExpectError(Create(SeedEventBody("e", R"(["SECRET_DELETED"])", "ENABLED",
                                   R"({"target_type":"WEBHOOK","target_id":"ftp://x","target_name":"t"})")),
              400, "CSMS.0002", "notification.target_id");
  EXPECT_EQ(CountEvents(), 0);

  ASSERT_EQ(Create(SeedEventBody("e")).status, 200);
  ExpectError(client_->Request("PUT", Path("/csms/events/e"), R"({"state":"PAUSED"})"), 400, "CSMS.0002", "state");
  ExpectError(client_->Request("PUT", Path("/csms/events/e"), R"({"event_types":[]})"), 400, "CSMS.0002",
              "event_types");
  ExpectError(client_->Request("PUT", Path("/csms/events/e"), R"({"name":"renamed"})"), 400, "CSMS.0002", "name");
  ExpectError(client_->Request("PUT", Path("/csms/events/e"), "nope"), 400, "CSMS.0004");
  // The failed updates changed nothing.
  auto e = client_->Request("GET", Path("/csms/events/e"));
  EXPECT_STREQ(e.json["event"]["state"].GetString(), "ENABLED");
  EXPECT_EQ(e.json["event"]["create_time"].GetInt64(), e.json["event"]["update_time"].GetInt64());
}

TEST_F(EventsTest, LimitAndMarkerAreValidated) {
  for (const char* bad : {"0", "1001", "-1", "abc", "10000", "", "1.5", "%20"}) {
    ExpectError(client_->Request("GET", Path(std::string("/csms/events?limit=") + bad)), 400, "CSMS.0002", "limit");
  }
  EXPECT_EQ(client_->Request("GET", Path("/csms/events?limit=1000")).status, 200);
  EXPECT_EQ(client_->Request("GET", Path("/csms/events?limit=1")).status, 200);
  ExpectError(client_->Request("GET", Path("/csms/events?marker=a%2Fb")), 400, "CSMS.0002", "marker");
  ExpectError(client_->Request("GET", Path("/csms/events?marker=") + std::string(65, 'm')), 400, "CSMS.0002", "marker");
  ExpectError(client_->Request("GET", Path("/csms/events?marker=%zz")), 400, "CSMS.0003");
  // Dots are allowed in markers (older docs).
  EXPECT_EQ(client_->Request("GET", Path("/csms/events?marker=a.b")).status, 200);
}

TEST_F(EventsTest, DuplicateNameIsAConflictAndNamesAreCaseSensitive) {
  ASSERT_EQ(Create(SeedEventBody("dup")).status, 200);
  ExpectError(Create(SeedEventBody("dup", R"(["SECRET_DELETED"])")), 409, "CSMS.0601", "dup");
  EXPECT_EQ(Create(SeedEventBody("DUP")).status, 200);
  auto r = client_->Request("GET", Path("/csms/events/dup"));
  EXPECT_STREQ(r.json["event"]["event_types"][0].GetString(), "SECRET_VERSION_CREATED");
}

TEST_F(EventsTest, UnknownRoutesAndMethods) {
  ExpectError(client_->Request("GET", Path("/csms/nothing")), 404, "CSMS.0003");
  ExpectError(client_->Request("PATCH", Path("/csms/events")), 405, "CSMS.0003");
  ExpectError(client_->Request("GET", Path("/csms/events/a%ZZb")), 400, "CSMS.0003");
  // A malformed name is refused by its rule, not looked up (404 is for well-formed names).
  ExpectError(client_->Request("GET", Path("/csms/events/bad%20name")), 400, "CSMS.0002", "event_name");
}

class EventQuotaTest : public EventsTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--event-quota", "3"}; }
};

TEST_F(EventQuotaTest, QuotaIsEnforcedAndFreedByDelete) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Create(SeedEventBody("q" + std::to_string(i))).status, 200);
  ExpectError(Create(SeedEventBody("q3")), 400, "CSMS.0602", "3");
  EXPECT_EQ(CountEvents(), 3);
  ASSERT_EQ(client_->Request("DELETE", Path("/csms/events/q0")).status, 204);
  EXPECT_EQ(Create(SeedEventBody("q3")).status, 200);
}

TEST(EventsDefaults, DefaultQuotaIs30) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev", "--no-access-log"}));
  HttpClient client(server.port());
  client.set_token(GetToken(client, kDevUser, kDevPassword, kDevDomain, kDevProject));
  std::string base = std::string("/v1/") + kDevProject + "/csms/events";
  for (int i = 0; i < 30; ++i)
    ASSERT_EQ(client.Request("POST", base, SeedEventBody("d" + std::to_string(i))).status, 200);
  auto r = client.Request("POST", base, SeedEventBody("d30"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0602");
}

}  // namespace
}  // namespace csms::test

namespace csms::test {
namespace {

// Event lists are cached per project generation: every write must show in the next list, both
// in the server that wrote and in another process sharing the database.
TEST_F(EventsTest, ListReflectsEveryWriteImmediately) {
  ASSERT_EQ(Create(SeedEventBody("cache-a")).status, 200);
  auto first = client_->Request("GET", Path("/csms/events"));
  ASSERT_EQ(first.json["events"].Size(), 1u);
  EXPECT_EQ(client_->Request("GET", Path("/csms/events")).body, first.body);  // unchanged: same bytes (the cache
                                                                              // itself: EventListCache below)
  ASSERT_EQ(client_->Request("PUT", Path("/csms/events/cache-a"), R"({"state":"DISABLED"})").status, 200);
  auto updated = client_->Request("GET", Path("/csms/events"));
  EXPECT_STREQ(updated.json["events"][0]["state"].GetString(), "DISABLED");
  ASSERT_EQ(Create(SeedEventBody("cache-b")).status, 200);
  EXPECT_EQ(client_->Request("GET", Path("/csms/events")).json["events"].Size(), 2u);
  ASSERT_EQ(client_->Request("DELETE", Path("/csms/events/cache-a")).status, 204);
  auto after_delete = client_->Request("GET", Path("/csms/events"));
  ASSERT_EQ(after_delete.json["events"].Size(), 1u);
  EXPECT_STREQ(after_delete.json["events"][0]["name"].GetString(), "cache-b");
}

// The list cache itself, with two services on one database file (two processes): an unchanged
// project is served from the cache (the very same page object, not one read again), and a write
// by either side makes the next list a fresh read that shows it.
TEST(EventListCache, ServesUnchangedPagesFromMemoryAndRereadsAfterAnyWrite) {
  TempDir dir("csms-event-cache");
  std::unique_ptr<Store> store_a, store_b;
  ASSERT_TRUE(OpenEngineStore(dir.path(), &store_a).ok());
  ASSERT_TRUE(OpenEngineStore(dir.path(), &store_b).ok());
  SystemClock clock;
  EventService a(store_a.get(), &clock, EventServiceOptions{}), b(store_b.get(), &clock, EventServiceOptions{});
  CreateEventCommand cmd;
  cmd.name = "cache-a";
  cmd.event_types = {EventType::kVersionCreated};
  cmd.notification = NotificationTarget{TargetType::kSmn, "urn:smn:cn-north-4:0123:topic", "topic"};
  Event created;
  ASSERT_TRUE(a.Create(kDevProject, cmd, &created).ok());

  std::shared_ptr<const JsonPage> first, second, third;
  ASSERT_TRUE(a.ListRepresentations(kDevProject, "", 10, &first).ok());
  ASSERT_EQ(first->count, 1u);
  ASSERT_TRUE(a.ListRepresentations(kDevProject, "", 10, &second).ok());
  EXPECT_EQ(second.get(), first.get()) << "an unchanged project's page must come from the cache";

  // Another process disables the event: the next list is read again and shows it.
  UpdateEventCommand disable;
  disable.state = EventState::kDisabled;
  Event updated;
  ASSERT_TRUE(b.Update(kDevProject, "cache-a", disable, &updated).ok());
  ASSERT_TRUE(a.ListRepresentations(kDevProject, "", 10, &third).ok());
  EXPECT_NE(third.get(), first.get());
  EXPECT_NE(third->joined_items.find("DISABLED"), std::string::npos) << third->joined_items;
  EXPECT_EQ(first->joined_items.find("DISABLED"), std::string::npos);
  // And the writer's own delete shows at once too.
  ASSERT_TRUE(a.Delete(kDevProject, "cache-a").ok());
  std::shared_ptr<const JsonPage> after_delete;
  ASSERT_TRUE(a.ListRepresentations(kDevProject, "", 10, &after_delete).ok());
  EXPECT_EQ(after_delete->count, 0u);
}

// Another process's event writes reach a list within the memory bound (250 ms, decision 72): polled.
TEST(EventsAcrossProcesses, ListInOneServerSeesWritesOfAnother) {
  CsmsdProcess a, b;
  ASSERT_TRUE(a.Start({"--no-access-log", "--no-delivery"})) << a.Log();
  auto cred = ReadInitialCredentials(a.data_dir());
  ASSERT_TRUE(b.Start({"--no-access-log", "--no-delivery", "--data-dir", a.data_dir()})) << b.Log();
  HttpClient ca(a.port()), cb(b.port());
  std::string token = GetToken(ca, "admin", cred["password"], "csms", cred["project_id"]);
  ca.set_token(token);
  cb.set_token(token);
  std::string base = "/v1/" + cred["project_id"] + "/csms/events";
  auto list_b = [&](std::function<bool(const rapidjson::Value& events)> ok) {
    return WaitUntil(
        [&] {
          auto r = cb.Request("GET", base);
          return r.status == 200 && r.json.HasMember("events") && ok(r.json["events"]);
        },
        std::chrono::milliseconds(20000));
  };
  EXPECT_TRUE(list_b([](const rapidjson::Value& e) { return e.Size() == 0; }));  // b caches the empty page
  ASSERT_EQ(ca.Request("POST", base, SeedEventBody("shared")).status, 200);
  EXPECT_TRUE(list_b([](const rapidjson::Value& e) { return e.Size() == 1; }));
  ASSERT_EQ(ca.Request("PUT", base + "/shared", R"({"state":"DISABLED"})").status, 200);
  EXPECT_TRUE(list_b(
      [](const rapidjson::Value& e) { return e.Size() == 1 && std::string(e[0]["state"].GetString()) == "DISABLED"; }));
  ASSERT_EQ(ca.Request("DELETE", base + "/shared").status, 204);
  EXPECT_TRUE(list_b([](const rapidjson::Value& e) { return e.Size() == 0; }));
}

}  // namespace
}  // namespace csms::test
