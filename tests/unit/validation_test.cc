// Unit tests of field rules, query parsing, routing and record cursors.
#include <gtest/gtest.h>

#include "domain/validation.h"
#include "http/message.h"
#include "http/router.h"
#include "service/record_service.h"

#include <memory>
#include <vector>

#include "common/clock.h"
#include "crypto/encoding.h"
#include "store/store.h"

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
  // base64url("1581507580000:fde3d6ba-cb31-40b0-b6c4-78757050f8c8") without padding, computed
  // outside this code base.
  EXPECT_EQ(cursor, "MTU4MTUwNzU4MDAwMDpmZGUzZDZiYS1jYjMxLTQwYjAtYjZjNC03ODc1NzA1MGY4Yzg");
}

// A cursor given back as the marker is decoded into the (time, id) it names: the next page starts
// strictly after that record, also among records of the same millisecond; what does not decode
// to a time and an id is refused.
TEST(RecordCursor, DecodesToThePositionItNamed) {
  std::unique_ptr<Store> store;
  SqliteOptions o;
  o.path = ":memory:";
  ASSERT_TRUE(OpenSqliteStore(o, &store).ok());
  OffsetClock clock;
  const int64_t now = clock.NowMillis();
  // Newest first: r0 (now), then r1..r4 sharing one millisecond (ids order them), then r5.
  std::vector<NotificationRecord> records;
  for (int i = 0; i < 6; ++i) {
    NotificationRecord r;
    r.record_id = "00000000-0000-4000-8000-00000000000" + std::to_string(9 - i);
    r.project_id = "p";
    r.event_name = "ev";
    r.create_time = i == 0 ? now - 1000 : i < 5 ? now - 2000 : now - 3000;
    r.secret_name = "s";
    r.secret_type = "COMMON";
    r.target_type = "SMN";
    r.notification_target_id = "urn:smn:r:p:t";
    r.notification_target_name = "t";
    r.notification_content = "{}";
    r.notification_status = NotificationStatus::kSuccess;
    records.push_back(r);
  }
  ASSERT_TRUE(store
                  ->Write([&](Transaction& tx) -> Status {
                    for (const auto& r : records) CSMS_RETURN_IF_ERROR(tx.records().Insert(r));
                    return Status::OK();
                  })
                  .ok());
  RecordService service(store.get(), &clock, RecordServiceOptions{});
  RecordQuery q;
  q.project_id = "p";
  q.limit = 100;
  Page<NotificationRecord> all;
  ASSERT_TRUE(service.List(q, "", &all).ok());
  ASSERT_EQ(all.items.size(), 6u);
  for (size_t k = 0; k < all.items.size(); ++k) {
    SCOPED_TRACE(k);
    Page<NotificationRecord> rest;
    ASSERT_TRUE(service.List(q, RecordService::EncodeCursor(all.items[k]), &rest).ok());
    ASSERT_EQ(rest.items.size(), all.items.size() - k - 1);
    for (size_t j = 0; j < rest.items.size(); ++j) EXPECT_EQ(rest.items[j].record_id, all.items[k + 1 + j].record_id);
  }
  // A cursor written by hand for (now - 2000, r2's id) lands in the middle of the shared millisecond.
  std::string raw = std::to_string(now - 2000) + ":" + records[2].record_id;
  Page<NotificationRecord> mid;
  ASSERT_TRUE(service.List(q, crypto::Base64UrlEncode(raw), &mid).ok());
  ASSERT_EQ(mid.items.size(), 3u);
  EXPECT_EQ(mid.items[0].record_id, records[3].record_id);
  EXPECT_EQ(mid.items[2].record_id, records[5].record_id);
  for (const std::string& bad :
       {std::string("not a cursor!"), crypto::Base64UrlEncode("abc:id"), crypto::Base64UrlEncode("123"),
        crypto::Base64UrlEncode(":id"), crypto::Base64UrlEncode("123:")}) {
    Page<NotificationRecord> page;
    Status s = service.List(q, bad, &page);
    EXPECT_EQ(s.code(), "CSMS.0701") << bad << ": " << s.ToString();
  }
}

}  // namespace
}  // namespace csms
