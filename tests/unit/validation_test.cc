// Unit tests of field rules, query parsing, routing and record cursors.
#include <gtest/gtest.h>

#include "domain/validation.h"
#include "http/message.h"
#include "http/router.h"
#include "service/record_service.h"

namespace csms {
namespace {

TEST(Validation, Names) {
  EXPECT_TRUE(validation::IsValidName("a"));
  EXPECT_TRUE(validation::IsValidName("Test_Event-1"));
  EXPECT_TRUE(validation::IsValidName(std::string(64, 'x')));
  EXPECT_FALSE(validation::IsValidName(std::string(65, 'x')));
  EXPECT_FALSE(validation::IsValidName(""));
  EXPECT_FALSE(validation::IsValidName("a.b"));
  EXPECT_FALSE(validation::IsValidName("a b"));
  EXPECT_FALSE(validation::IsValidName("é"));
  EXPECT_TRUE(validation::IsValidMarker("a.b"));
  EXPECT_FALSE(validation::IsValidMarker("a/b"));
}

TEST(Validation, Limit) {
  int v = 0;
  EXPECT_TRUE(validation::ParseLimit(std::nullopt, 50, 1000, &v).ok());
  EXPECT_EQ(v, 50);
  EXPECT_TRUE(validation::ParseLimit("1000", 50, 1000, &v).ok());
  EXPECT_EQ(v, 1000);
  EXPECT_TRUE(validation::ParseLimit("0007", 50, 1000, &v).ok());
  EXPECT_EQ(v, 7);
  for (const char* bad : {"0", "1001", "", "-1", "12345", "1e3", " 5", "9999"}) {
    Status s = validation::ParseLimit(std::string_view(bad), 50, 1000, &v);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.code(), "CSMS.0002");
    EXPECT_EQ(s.http_status(), 400);
  }
}

TEST(Validation, Targets) {
  NotificationTarget smn{TargetType::kSmn, "urn:smn:cn-north-4:0123:topic_a-b.c", "topic"};
  EXPECT_TRUE(validation::CheckNotificationTarget(smn).ok());
  smn.id = "urn smn";
  EXPECT_FALSE(validation::CheckNotificationTarget(smn).ok());
  NotificationTarget hook{TargetType::kWebhook, "https://example.com:8443/hook?a=b", "hook"};
  EXPECT_TRUE(validation::CheckNotificationTarget(hook).ok());
  for (const char* bad : {"http://", "https://user@host/", "ftp://x", "https:// x", "http://:80/"}) {
    hook.id = bad;
    EXPECT_FALSE(validation::CheckNotificationTarget(hook).ok()) << bad;
  }
}

TEST(Validation, EventTypes) {
  EXPECT_TRUE(validation::CheckEventTypes({EventType::kDeleted}).ok());
  EXPECT_FALSE(validation::CheckEventTypes({}).ok());
  EXPECT_FALSE(validation::CheckEventTypes({EventType::kDeleted, EventType::kDeleted}).ok());
  for (EventType t : kAllEventTypes) EXPECT_EQ(ParseEventType(EventTypeName(t)), t);
  EXPECT_FALSE(ParseEventType("secret_deleted"));
}

TEST(QueryParams, DecodesAndSkipsEmptyItems) {
  http::QueryParams q;
  ASSERT_TRUE(q.Parse("limit=10&marker=a%20b&&x=1+2&flag&").ok());
  EXPECT_EQ(q.Get("limit"), "10");
  EXPECT_EQ(q.Get("marker"), "a b");
  EXPECT_EQ(q.Get("x"), "1 2");
  EXPECT_EQ(q.Get("flag"), "");
  EXPECT_FALSE(q.Get("nope"));
  EXPECT_EQ(q.items().size(), 4u);
  EXPECT_FALSE(q.Parse("a=%zz").ok());
}

TEST(Router, MatchesTemplatesMethodsAndTrailingSlash) {
  http::Router<int> r;
  r.Add("GET", "/v1/{project_id}/csms/events", 1);
  r.Add("POST", "/v1/{project_id}/csms/events", 2);
  r.Add("GET", "/v1/{project_id}/csms/events/{event_name}", 3);
  const int* route = nullptr;
  http::PathParams params;
  using M = http::Router<int>::Match;
  EXPECT_EQ(r.Find("GET", "/v1/p1/csms/events", &route, &params), M::kFound);
  EXPECT_EQ(*route, 1);
  EXPECT_EQ(params.Get("project_id"), "p1");
  EXPECT_EQ(r.Find("POST", "/v1/p1/csms/events/", &route, &params), M::kFound);
  EXPECT_EQ(*route, 2);
  EXPECT_EQ(r.Find("GET", "/v1/p1/csms/events/my%2Dev", &route, &params), M::kFound);
  EXPECT_EQ(params.Get("event_name"), "my-ev");
  EXPECT_EQ(r.Find("DELETE", "/v1/p1/csms/events", &route, &params), M::kNoMethod);
  EXPECT_EQ(r.Find("GET", "/v1/p1/csms", &route, &params), M::kNoPath);
  EXPECT_EQ(r.Find("GET", "/v1//csms/events", &route, &params), M::kNoPath);
  EXPECT_EQ(r.Find("GET", "/v1/p1/csms/events/%G1", &route, &params), M::kBadPath);
}

TEST(RecordCursor, EncodesTimeAndIdOpaquely) {
  NotificationRecord r;
  r.create_time = 1581507580000;
  r.record_id = "fde3d6ba-cb31-40b0-b6c4-78757050f8c8";
  std::string cursor = RecordService::EncodeCursor(r);
  EXPECT_EQ(cursor.find(':'), std::string::npos);
  EXPECT_EQ(cursor.find('='), std::string::npos);
  EXPECT_EQ(cursor.find('+'), std::string::npos);
}

}  // namespace
}  // namespace csms
