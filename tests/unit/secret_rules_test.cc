// Rules of secrets that need no storage: rotation periods, values, version ids, the expiry schedule
// (near-expiry lead times and re-arming), notification content, random passwords, URL parsing,
// and the master-key store.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>

#include "common/duration.h"
#include "crypto/key_store.h"
#include "crypto/random_password.h"
#include "domain/secret.h"
#include "net/http_call.h"
#include "notify_format/content.h"
#include "service/secret_checks.h"

namespace csms {
// Named, not anonymous: the unity build compiles several test files together (Makefile).
namespace secret_rules_test {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kHour = 3'600'000;
const std::vector<int64_t> kLeads = {30 * kDay, 7 * kDay, 1 * kDay};

TEST(SecretRules, RotationPeriod) {
  EXPECT_EQ(ParseRotationPeriod("6h"), 6 * kHour);
  EXPECT_EQ(ParseRotationPeriod("1d"), kDay);
  EXPECT_EQ(ParseRotationPeriod("365d"), 365 * kDay);
  EXPECT_EQ(ParseRotationPeriod("8760h"), 8760 * kHour);
  EXPECT_EQ(ParseRotationPeriod("360m"), 6 * kHour);
  EXPECT_EQ(ParseRotationPeriod("21600s"), 6 * kHour);
  for (const char* bad :
       {"", "d", "5h", "366d", "8761h", "21599s", "1w", "-1d", "1.5d", "1 d", "d1", "99999999999999999d", "01"}) {
    EXPECT_FALSE(ParseRotationPeriod(bad).has_value()) << bad;
  }
}

TEST(Duration, Units) {
  EXPECT_EQ(ParseDurationMillis("250ms"), 250);
  EXPECT_EQ(ParseDurationMillis("2s"), 2000);
  EXPECT_EQ(ParseDurationMillis("10m"), 600'000);
  EXPECT_EQ(ParseDurationMillis("2h"), 2 * kHour);
  EXPECT_EQ(ParseDurationMillis("30d"), 30 * kDay);
  EXPECT_EQ(ParseDurationMillis("0s"), 0);
  for (const char* bad : {"", "s", "ms", "5", "5x", "-5s", "+5s", " 5s", "5 s", "1.5h", "99999999999999d"}) {
    EXPECT_FALSE(ParseDurationMillis(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseRotationPeriod("21600000ms").has_value());  // not a unit of the spec
}

TEST(SecretRules, ValueNeedsExactlyOneWellFormedField) {
  ValueKind kind;
  EXPECT_TRUE(CheckSecretValue(std::string("x"), std::nullopt, &kind).ok());
  EXPECT_EQ(kind, ValueKind::kString);
  EXPECT_TRUE(CheckSecretValue(std::nullopt, std::string("aGVsbG8="), &kind).ok());
  EXPECT_EQ(kind, ValueKind::kBinary);
  EXPECT_TRUE(CheckSecretValue(std::string(""), std::nullopt, &kind).ok());
  EXPECT_EQ(CheckSecretValue(std::nullopt, std::nullopt, &kind).code(), "CSMS.0002");
  EXPECT_EQ(CheckSecretValue(std::string("a"), std::string("YQ=="), &kind).code(), "CSMS.0002");
  EXPECT_EQ(CheckSecretValue(std::nullopt, std::string("not base64!"), &kind).code(), "CSMS.0002");
  EXPECT_EQ(CheckSecretValue(std::string(32768, 'a'), std::nullopt, &kind).code(), "");
  EXPECT_EQ(CheckSecretValue(std::string(32769, 'a'), std::nullopt, &kind).code(), "CSMS.0002");
  EXPECT_EQ(CheckSecretValue(std::nullopt, std::string(32772, 'A'), &kind).code(), "CSMS.0002");
}

TEST(SecretRules, VersionIds) {
  EXPECT_EQ(ParseVersionId("v1"), 1);
  EXPECT_EQ(ParseVersionId("v20"), 20);
  EXPECT_EQ(ParseVersionId("v9999999999"), 9999999999LL);
  for (const char* bad : {"", "v", "1", "v0", "v01", "V1", "v1a", "latest", "v99999999999"}) {
    EXPECT_FALSE(ParseVersionId(bad).has_value()) << bad;
  }
}

TEST(ExpirySchedule, FarExpiryFiresEachLeadThenExpiry) {
  const int64_t now = 1'000 * kDay;
  const int64_t expire = now + 60 * kDay;
  ExpirySchedule s = ArmExpiry(expire, kLeads);
  EXPECT_EQ(s.due_time, expire - 30 * kDay);

  // Before anything is due: nothing, and the due time stays.
  ExpiryStep step = AdvanceExpiry(now, expire, s, kLeads);
  EXPECT_EQ(step.kind, ExpiryStep::kNothing);
  EXPECT_EQ(step.next.due_time, expire - 30 * kDay);

  std::vector<int64_t> fired;
  int64_t t = expire - 30 * kDay;
  for (int i = 0; i < 3; ++i) {
    step = AdvanceExpiry(*s.due_time, expire, s, kLeads);
    ASSERT_EQ(step.kind, ExpiryStep::kNearExpiry);
    fired.push_back(step.lead_ms);
    s = step.next;
    t = *s.due_time;
  }
  EXPECT_EQ(fired, kLeads);
  EXPECT_EQ(t, expire);
  step = AdvanceExpiry(expire, expire, s, kLeads);
  EXPECT_EQ(step.kind, ExpiryStep::kExpired);
  EXPECT_TRUE(step.next.expired_fired);
  EXPECT_FALSE(step.next.due_time.has_value());
  // Once fired, never again.
  step = AdvanceExpiry(expire + kDay, expire, step.next, kLeads);
  EXPECT_EQ(step.kind, ExpiryStep::kNothing);
}

TEST(ExpirySchedule, OnlyTheNearestPassedLeadFires) {
  const int64_t now = 1'000 * kDay;
  const int64_t expire = now + 5 * kDay;  // 30 d and 7 d have already passed
  ExpirySchedule s = ArmExpiry(expire, kLeads);
  ASSERT_LE(*s.due_time, now);
  ExpiryStep step = AdvanceExpiry(now, expire, s, kLeads);
  ASSERT_EQ(step.kind, ExpiryStep::kNearExpiry);
  EXPECT_EQ(step.lead_ms, 7 * kDay);  // the nearest one, never the 30-day one
  EXPECT_EQ(step.next.due_time, expire - kDay);
  step = AdvanceExpiry(now + kHour, expire, step.next, kLeads);
  EXPECT_EQ(step.kind, ExpiryStep::kNothing);
}

TEST(ExpirySchedule, PastExpiryFiresOnlyExpired) {
  const int64_t now = 1'000 * kDay;
  const int64_t expire = now - kHour;
  ExpiryStep step = AdvanceExpiry(now, expire, ArmExpiry(expire, kLeads), kLeads);
  EXPECT_EQ(step.kind, ExpiryStep::kExpired);
}

TEST(ExpirySchedule, LateTickSkipsToNearestLead) {
  // The server was down across two lead moments: one notification, for the nearer lead.
  const int64_t expire = 1'000 * kDay;
  ExpirySchedule s = ArmExpiry(expire, kLeads);
  ExpiryStep step = AdvanceExpiry(expire - 2 * kDay, expire, s, kLeads);
  ASSERT_EQ(step.kind, ExpiryStep::kNearExpiry);
  EXPECT_EQ(step.lead_ms, 7 * kDay);
  step = AdvanceExpiry(expire - kHour, expire, step.next, kLeads);
  ASSERT_EQ(step.kind, ExpiryStep::kNearExpiry);
  EXPECT_EQ(step.lead_ms, kDay);
}

TEST(ExpirySchedule, NoLeadsMeansOnlyExpiry) {
  ExpirySchedule s = ArmExpiry(5000, {});
  EXPECT_EQ(s.due_time, 5000);
  EXPECT_EQ(AdvanceExpiry(5000, 5000, s, {}).kind, ExpiryStep::kExpired);
}

TEST(NotificationContent, SeedShapePlusExtensionsAndNoValue) {
  Secret s;
  s.id = "fde3d6ba-cb31-40b0-b6c4-78757050f8c8";
  s.name = "Secret20230325";
  s.create_time = 1679517784000;  // 2023-03-22T20:43:04.000Z
  s.update_time = 1681503509000;  // 2023-04-14T20:18:29.000Z
  notify_format::TriggerDetails d;
  d.version_id = "v18";
  d.version_expire_time = 1680109643000;  // 2023-03-29T17:07:23.000Z
  std::string text = notify_format::RenderContent("TestEvent20221112", EventType::kVersionExpired, 1681503910126, s, d,
                                                  7, "0b7a3f6e-1111-4222-8333-444455556666");
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError()) << text;
  EXPECT_STREQ(doc["eventName"].GetString(), "TestEvent20221112");
  EXPECT_STREQ(doc["eventType"].GetString(), "SECRET_VERSION_EXPIRED");
  EXPECT_STREQ(doc["eventTime"].GetString(), "2023-04-14T20:25:10.126Z");
  const auto& data = doc["data"];
  EXPECT_STREQ(data["secretId"].GetString(), "fde3d6ba-cb31-40b0-b6c4-78757050f8c8");
  EXPECT_STREQ(data["secretName"].GetString(), "Secret20230325");
  EXPECT_STREQ(data["secretType"].GetString(), "COMMON");
  EXPECT_STREQ(data["createTime"].GetString(), "2023-03-22T20:43:04.000Z");
  EXPECT_STREQ(data["updateTime"].GetString(), "2023-04-14T20:18:29.000Z");
  EXPECT_STREQ(data["versionId"].GetString(), "v18");
  EXPECT_STREQ(data["versionExpireTime"].GetString(), "2023-03-29T17:07:23.000Z");
  EXPECT_EQ(doc["sequence"].GetInt64(), 7);
  EXPECT_STREQ(doc["notificationId"].GetString(), "0b7a3f6e-1111-4222-8333-444455556666");
  // The seed's key order: eventName, eventType, eventTime, data.
  EXPECT_EQ(text.rfind(R"({"eventName":"TestEvent20221112","eventType":"SECRET_VERSION_EXPIRED","eventTime":)", 0), 0u);
}

TEST(RandomPassword, DefaultsAndPolicies) {
  crypto::PasswordPolicy p;
  auto a = crypto::GenerateRandomPassword(p);
  auto b = crypto::GenerateRandomPassword(p);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(a->find(' '), std::string::npos);

  p.exclude_punctuation = p.exclude_uppercase = p.exclude_numbers = true;
  p.length = 64;
  auto lower = crypto::GenerateRandomPassword(p);
  ASSERT_TRUE(lower);
  for (char c : *lower) EXPECT_TRUE(c >= 'a' && c <= 'z') << *lower;

  crypto::PasswordPolicy each;
  each.length = 4;
  each.require_each_included_type = true;
  for (int i = 0; i < 50; ++i) {
    auto v = crypto::GenerateRandomPassword(each);
    ASSERT_TRUE(v);
    EXPECT_NE(v->find_first_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos);
    EXPECT_NE(v->find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), std::string::npos);
    EXPECT_NE(v->find_first_of("0123456789"), std::string::npos);
  }
  each.length = 3;  // four classes cannot fit
  EXPECT_FALSE(crypto::GenerateRandomPassword(each));

  crypto::PasswordPolicy none;
  none.exclude_lowercase = none.exclude_uppercase = none.exclude_numbers = none.exclude_punctuation = true;
  EXPECT_FALSE(crypto::GenerateRandomPassword(none));
  crypto::PasswordPolicy excluded;
  excluded.exclude_characters = "abc";
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(crypto::GenerateRandomPassword(excluded)->find_first_of("abc"), std::string::npos);
}

TEST(HttpCall, ParseUrl) {
  net::Url u;
  ASSERT_TRUE(net::ParseUrl("http://127.0.0.1:8080/rotate?x=1", &u));
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, "8080");
  EXPECT_EQ(u.target, "/rotate?x=1");
  ASSERT_TRUE(net::ParseUrl("https://example.com", &u));
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.port, "443");
  EXPECT_EQ(u.target, "/");
  ASSERT_TRUE(net::ParseUrl("http://[::1]:9/a#frag", &u));
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, "9");
  EXPECT_EQ(u.target, "/a");
  for (const char* bad : {"ftp://x/", "http://", "http://user@host/", "http://h:abc/", "http://[::1/"}) {
    EXPECT_FALSE(net::ParseUrl(bad, &u)) << bad;
  }
}

TEST(HttpCall, RefusedConnectionIsAnErrorNotAHang) {
  net::HttpCallOptions o;
  o.timeout = std::chrono::milliseconds(2000);
  net::HttpCallResult r;
  EXPECT_FALSE(net::PostJson("http://127.0.0.1:1/", "{}", o, &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error, "");
}

TEST(KeyStore, IdsAreStableAndDistinct) {
  crypto::Keyring a, b;
  ASSERT_TRUE(crypto::Keyring::FromHex(std::string(64, 'a'), &a).ok());
  ASSERT_TRUE(crypto::Keyring::FromHex(std::string(64, 'b'), &b).ok());
  crypto::Keyring a2;
  ASSERT_TRUE(crypto::Keyring::FromHex(std::string(64, 'a'), &a2).ok());
  EXPECT_EQ(a.Id(), a2.Id());
  EXPECT_NE(a.Id(), b.Id());
  EXPECT_EQ(a.Id().size(), 36u);
  crypto::KeyStore ks;
  ks.Add("csms/default", a);
  ks.Add("team", b);
  EXPECT_EQ(ks.Default().alias, "csms/default");
  EXPECT_EQ(ks.Find("team")->id, b.Id());
  EXPECT_EQ(ks.Find(a.Id())->alias, "csms/default");
  EXPECT_EQ(ks.Find("nope"), nullptr);
}

}  // namespace secret_rules_test
}  // namespace csms
