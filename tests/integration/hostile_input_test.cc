// Hostile input against the real csmsd (issue 14): deeply nested JSON on every route (item 1),
// ill-formed UTF-8 in and out (item 3), and repeated query keys, also under an AK/SK signature
// (item 4). The routes come from the server's own route table, so a new route is covered too.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/utf8.h"
#include "support/dev_server.h"
#include "support/event_bodies.h"
#include "support/http_stub.h"
#include "support/route_table.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

// A response body must be well-formed UTF-8 and JSON for a strict decoder.
void ExpectStrictJson(const HttpResult& r, const std::string& where) {
  EXPECT_TRUE(utf8::IsValid(r.body)) << where << ": " << testing::PrintToString(r.body);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(r.body.c_str(), r.body.size());
  EXPECT_FALSE(doc.HasParseError()) << where << ": " << testing::PrintToString(r.body);
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

class HostileInputTest : public DevServerTest {
 protected:
  void ExpectAlive(const std::string& after) {
    HttpResult h = client_->Request("GET", "/healthz");
    ASSERT_EQ(h.status, 200) << "csmsd no longer answers after " << after << "\n" << server_.Log();
  }
};

// Item 1: ~131,000 '[' crashed csmsd. Every route, with and without credentials, answers a 4xx;
// every route that reads a JSON body answers 400 CSMS.0004; the server answers /healthz after each.
TEST_F(HostileInputTest, DeeplyNestedBodiesOnEveryRouteAreA400) {
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"131,000 unclosed '['", std::string(131000, '[')},
      {"200,000 '[' closed", std::string(200000, '[') + std::string(200000, ']')},
      {"200,000 nested objects", Repeat("{\"a\":", 200000)},
      {"65 levels", "{\"a\":" + std::string(64, '[') + std::string(64, ']') + "}"},
  };
  HttpClient anonymous(server_.port());
  int json_routes = 0;
  for (const RouteInfo& r : ServerRoutes(/*dev=*/true)) {
    std::string target = RouteTarget(r.path_template, kDevProject);
    std::string where = r.method + " " + target;
    // Does the route read a JSON body? Then "not json" is a malformed body.
    HttpResult probe = client_->Request(r.method, target, "not json");
    bool reads_json = probe.ErrorCode() == "CSMS.0004";
    if (reads_json) ++json_routes;
    for (const auto& [name, body] : bodies) {
      HttpResult res = client_->Request(r.method, target, body);
      ASSERT_GT(res.status, 0) << where << " with " << name << ": " << res.body << "\n" << server_.Log();
      EXPECT_LT(res.status, 500) << where << " with " << name << ": " << res.body;
      if (reads_json) {
        // 413 when the body is over the route's limit (http/body_limits.h): refused unread.
        EXPECT_TRUE(res.status == 400 || res.status == 413) << where << " with " << name << ": " << res.body;
        EXPECT_EQ(res.ErrorCode(), "CSMS.0004") << where << " with " << name << ": " << res.body;
      }
      ExpectAlive(where + " with " + name);
    }
    // Without credentials: the authentication error comes first, or (public routes) the 400, or
    // the 413 of a body over the small limit of requests without credentials, refused unread.
    HttpResult anon = anonymous.Request(r.method, target, bodies[0].second);
    ASSERT_GT(anon.status, 0) << where << " anonymous\n" << server_.Log();
    EXPECT_TRUE(anon.status == 400 || anon.status == 401 || anon.status == 413 ||
                (r.access == http::Access::kPublic && anon.status < 500))
        << where << " anonymous: " << anon.status << " " << anon.body;
    ExpectAlive(where + " anonymous");
  }
  // Tokens, dev clock, secrets (create, update, versions, stages, deletion), events (create,
  // update), signing-secret rotation: the table must not have lost them.
  EXPECT_GE(json_routes, 10);
}

TEST_F(HostileInputTest, NestingUpToTheLimitStillWorks) {
  // The token endpoint with a deep but legal extra member: depth 64 is read, 65 is refused.
  std::string auth = PasswordAuthBody("admin", "admin", "csms", kDevProject);
  auto with_extra = [&](int depth) {
    // The body's root object is level 1; "extra" adds depth - 1 levels of arrays.
    return auth.substr(0, auth.size() - 1) + ",\"extra\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') +
           "}";
  };
  HttpResult ok = client_->Request("POST", "/v3/auth/tokens", with_extra(64), {{"X-Auth-Token", ""}});
  EXPECT_EQ(ok.status, 201) << ok.body;
  HttpResult deep = client_->Request("POST", "/v3/auth/tokens", with_extra(65), {{"X-Auth-Token", ""}});
  ExpectCsmsError(deep, 400, "CSMS.0004", "nested more deeply than 64");
}

// Item 3: ill-formed UTF-8 (raw bytes or escapes of lone surrogates) is refused, naming the field,
// and nothing is stored.
TEST_F(HostileInputTest, IllFormedUtf8InBodiesIsRefusedAndNothingStored) {
  struct Case {
    std::string what, body, field;
  };
  const Case creates[] = {
      {"description \\xff", "{\"name\":\"u1\",\"secret_string\":\"v\",\"description\":\"caf\xff\"}", "description"},
      {"description cut", "{\"name\":\"u1\",\"secret_string\":\"v\",\"description\":\"caf\xc3\"}", "description"},
      {"secret_string \\xff", "{\"name\":\"u1\",\"secret_string\":\"\xff\xfe\"}", "secret_string"},
      {"secret_string CESU-8", "{\"name\":\"u1\",\"secret_string\":\"\xed\xb0\x80\"}", "secret_string"},
      {"secret_string lone low surrogate", R"({"name":"u1","secret_string":"a\udc00b"})", "secret_string"},
      {"description lone low surrogate", R"({"name":"u1","secret_string":"v","description":"\udfff"})", "description"},
  };
  for (const Case& c : creates) {
    HttpResult r = client_->Request("POST", Path("/secrets"), c.body);
    ExpectCsmsError(r, 400, "CSMS.0004", "invalid " + c.field + ": not valid UTF-8");
    ExpectStrictJson(r, c.what);
  }
  // A lone high surrogate is refused by the parser itself.
  HttpResult high = client_->Request("POST", Path("/secrets"), R"({"name":"u1","secret_string":"\ud800"})");
  ExpectCsmsError(high, 400, "CSMS.0004");
  EXPECT_EQ(client_->Request("GET", Path("/secrets/u1")).status, 404);
  HttpResult list = client_->Request("GET", Path("/secrets"));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["secrets"].Size(), 0u) << list.body;

  // Updates and new versions leave the secret as it was.
  HttpResult made = client_->Request("POST", Path("/secrets"),
                                     "{\"name\":\"u2\",\"secret_string\":\"v1\",\"description\":\"h\xc3\xa9\"}");
  ASSERT_EQ(made.status, 200) << made.body;
  ExpectCsmsError(client_->Request("PUT", Path("/secrets/u2"), "{\"description\":\"\xc0\xaf\"}"), 400, "CSMS.0004",
                  "invalid description");
  ExpectCsmsError(client_->Request("POST", Path("/secrets/u2/versions"), R"({"secret_string":"\udc00"})"), 400,
                  "CSMS.0004", "invalid secret_string");
  HttpResult shown = client_->Request("GET", Path("/secrets/u2"));
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(std::string(shown.json["secret"]["description"].GetString()), "h\xc3\xa9");  // valid UTF-8 round-trips
  HttpResult versions = client_->Request("GET", Path("/secrets/u2/versions"));
  ASSERT_EQ(versions.status, 200);
  EXPECT_EQ(versions.json["version_metadatas"].Size(), 1u) << versions.body;

  // A webhook target with a stray byte.
  std::string event =
      "{\"name\":\"w1\",\"event_types\":[\"SECRET_DELETED\"],\"state\":\"ENABLED\","
      "\"notification\":{\"target_type\":\"WEBHOOK\",\"target_id\":\"https://example.com/\x80\","
      "\"target_name\":\"w\"}}";
  ExpectCsmsError(client_->Request("POST", Path("/csms/events"), event), 400, "CSMS.0004",
                  "invalid notification.target_id: not valid UTF-8");
  EXPECT_EQ(client_->Request("GET", Path("/csms/events/w1")).status, 404);
  HttpResult events = client_->Request("GET", Path("/csms/events"));
  ASSERT_EQ(events.status, 200);
  EXPECT_EQ(events.json["events"].Size(), 0u) << events.body;
  ExpectStrictJson(events, "event list");
}

// A key given twice is refused, so no proxy in front that keeps the other value checks a
// different request from the one that would run; nothing is stored.
TEST_F(HostileInputTest, DuplicateKeysAreRefusedAndNothingStored) {
  ExpectCsmsError(client_->Request("POST", Path("/secrets"), R"({"name":"dup1","name":"dup2","secret_string":"x"})"),
                  400, "CSMS.0004", "duplicate key \"name\" in the body");
  EXPECT_EQ(client_->Request("GET", Path("/secrets/dup1")).status, 404);
  EXPECT_EQ(client_->Request("GET", Path("/secrets/dup2")).status, 404);
  ExpectCsmsError(client_->Request("POST", Path("/csms/events"),
                                   R"({"name":"e1","event_types":["SECRET_DELETED"],"state":"ENABLED",)"
                                   R"("notification":{"target_type":"SMN","target_type":"WEBHOOK",)"
                                   R"("target_id":"https://example.com/h","target_name":"w"}})"),
                  400, "CSMS.0004", "duplicate key \"target_type\" in notification");
  EXPECT_EQ(client_->Request("GET", Path("/csms/events/e1")).status, 404);
}

// Item 3: whatever bytes the path, query or headers held, the answer is well-formed UTF-8 JSON.
TEST_F(HostileInputTest, EveryAnswerIsValidUtf8WhateverTheRequestHeld) {
  ASSERT_EQ(client_->Request("POST", Path("/secrets"), R"({"name":"s1","secret_string":"v"})").status, 200);
  const std::string targets[] = {
      Path("/secrets/%FF"),
      Path("/secrets/caf%C3"),
      Path("/secrets/%ED%A0%80"),
      Path("/secrets/s1/versions/%FF"),
      Path("/secrets/s1/stages/%FE%FF"),
      Path("/csms/events/%FF"),
      Path("/csms/notification-records/%FF%FF"),
      Path("/secrets?marker=%FF"),
      Path("/secrets?event_name=%C3"),
      Path("/secrets/s1/versions?marker=%FF"),
      Path("/csms/events?marker=%FF"),
      Path("/csms/notification-records?marker=%FF"),
      Path("/csms/tasks?marker=%FF"),
      Path("/csms/tasks?secret_name=" + Repeat("%C3%A9", 40)),  // a message cut at 64 bytes
      Path("/secrets?marker=" + Repeat("%C3%A9", 40)),
      Path("/secrets/" + Repeat("%C3%A9", 40)),
      "/v1/%FF/secrets",
      "/no/such/%FF",
  };
  for (const std::string& t : targets) {
    HttpResult r = client_->Request("GET", t);
    EXPECT_GT(r.status, 0) << t << "\n" << server_.Log();
    EXPECT_LT(r.status, 500) << t << ": " << r.body;
    ExpectStrictJson(r, t);
  }
  // Messages cut at 64 bytes cut between characters: "x" then two-byte characters puts byte 64
  // inside one, and the answer holds no replacement character.
  const std::string odd = "x" + Repeat("\xc3\xa9", 40);
  HttpResult record = client_->Request("GET", Path("/csms/notification-records/x" + Repeat("%C3%A9", 40)));
  EXPECT_EQ(record.status, 404) << record.body;
  ExpectStrictJson(record, "record id");
  EXPECT_EQ(record.body.find("\xef\xbf\xbd"), std::string::npos) << record.body;
  HttpResult types = client_->Request("POST", Path("/csms/events"), EventBody("t1", {odd}));
  ExpectCsmsError(types, 400, "CSMS.0002", "unknown event type 'x\xc3\xa9");
  ExpectStrictJson(types, "event type");
  EXPECT_EQ(types.body.find("\xef\xbf\xbd"), std::string::npos) << types.body;
  // A header echoed in an error message (the signed request's X-Project-Id).
  HttpClient plain(server_.port());
  SignedParts p = MakeSigned(plain, AkSk{kDevAk, kDevSk, ""}, "GET", Path("/secrets"), "",
                             Repeat("\xc3\xa9", 31) + "\xff" + Repeat("\xe2\x82\xac", 20));
  p.Sign(AkSk{kDevAk, kDevSk, ""}, NowSeconds());
  HttpResult signed_answer = p.Send(plain);
  EXPECT_GE(signed_answer.status, 400) << signed_answer.body;
  ExpectStrictJson(signed_answer, "X-Project-Id with stray bytes");
}

// Item 4: a repeated query key is a 400 on every route, before the handler (or the signature
// check) could read one of the values.
TEST_F(HostileInputTest, RepeatedQueryKeysAreRefusedOnEveryRoute) {
  HttpClient anonymous(server_.port());
  int checked = 0;
  for (const RouteInfo& r : ServerRoutes(/*dev=*/true)) {
    std::string target = RouteTarget(r.path_template, kDevProject);
    for (const char* query : {"limit=1&limit=3", "marker=a&limit=2&marker=b", "limit=1&l%69mit=1"}) {
      std::string where = r.method + " " + target + "?" + query;
      std::string body = r.method == "POST" || r.method == "PUT" ? "{}" : "";
      HttpResult res = client_->Request(r.method, target + "?" + query, body);
      ExpectCsmsError(res, 400, "CSMS.0002", "more than once");
      EXPECT_TRUE(res.body.find("limit") != std::string::npos || res.body.find("marker") != std::string::npos)
          << where << ": the error names the key: " << res.body;
      HttpResult anon = anonymous.Request(r.method, target + "?" + query, body);
      EXPECT_EQ(anon.status, 400) << where << " anonymous: " << anon.body;
      ++checked;
    }
  }
  EXPECT_GE(checked, 3 * 20);
  // The same keys once each are fine.
  HttpResult once = client_->Request("GET", Path("/csms/events?limit=1&marker=a"));
  EXPECT_EQ(once.status, 200) << once.body;
}

// Item 4, the attack: signed as ?limit=1&limit=3, sent as ?limit=3&limit=1. The canonical query
// sorts values, so the signature matches either order; the server must refuse both.
TEST_F(HostileInputTest, ReorderedRepeatedKeysCannotChangeASignedRequest) {
  for (const char* name : {"e1", "e2", "e3"}) {
    ASSERT_EQ(client_->Request("POST", Path("/csms/events"), EventBody(name, {"SECRET_DELETED"})).status, 200);
  }
  HttpClient plain(server_.port());
  AkSk dev{kDevAk, kDevSk, ""};

  // Control: a signed single key works, and changing its value breaks the signature.
  SignedParts one = MakeSigned(plain, dev, "GET", Path("/csms/events?limit=1"), "", kDevProject);
  one.Sign(dev, NowSeconds());
  HttpResult good = one.Send(plain);
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(good.json["events"].Size(), 1u);
  one.target = Path("/csms/events?limit=3");
  EXPECT_EQ(one.Send(plain).status, 401);

  SignedParts p = MakeSigned(plain, dev, "GET", Path("/csms/events?limit=1&limit=3"), "", kDevProject);
  p.Sign(dev, NowSeconds());
  HttpResult as_signed = p.Send(plain);
  ExpectCsmsError(as_signed, 400, "CSMS.0002", "invalid limit");
  p.target = Path("/csms/events?limit=3&limit=1");
  HttpResult reordered = p.Send(plain);
  ExpectCsmsError(reordered, 400, "CSMS.0002", "invalid limit");
  EXPECT_FALSE(reordered.ok_json && reordered.json.HasMember("events")) << reordered.body;
}

// Item 1 and 3 for the other JSON csmsd parses: a rotation function's answer. A deep or ill-formed
// answer fails the task (CSMS.0806), stores nothing and leaves the server running.
class HostileRotationTest : public HostileInputTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--scheduler-interval-ms", "0", "--no-delivery"}; }

  // Ticks the scheduler (which calls rotation functions) until the task leaves RUNNING.
  std::string WaitTask(const std::string& task_id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      client_->Request("POST", "/csms-dev/scheduler/tick", "{}");
      HttpResult r = client_->Request("GET", Path("/csms/tasks?task_id=" + task_id));
      if (r.status == 200 && r.json["tasks"].Size() == 1) {
        std::string status = r.json["tasks"][0]["task_status"].GetString();
        if (status != "RUNNING") return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "RUNNING";
  }
};

TEST_F(HostileRotationTest, DeepOrIllFormedFunctionAnswersFailTheTask) {
  HttpStub fn;
  HttpResult made = client_->Request(
      "POST", Path("/secrets"), R"({"name":"r1","secret_string":"keep-me","rotation_func_urn":")" + fn.Url() + "\"}");
  ASSERT_EQ(made.status, 200) << made.body;
  const std::pair<std::string, std::string> answers[] = {
      {"200,000 '['", std::string(200000, '[')},
      {"deep objects", Repeat("{\"a\":", 100000)},
      {"65 levels", "{\"secret_string\":\"x\",\"a\":" + std::string(64, '[') + std::string(64, ']') + "}"},
      {"stray byte", "{\"secret_string\":\"new\xff\"}"},
      {"lone surrogate", R"({"secret_string":"new\udc00"})"},
  };
  for (const auto& [name, body] : answers) {
    SCOPED_TRACE(name);
    fn.Respond(200, body);
    HttpResult r = client_->Request("POST", Path("/secrets/r1/rotate"), "");
    ASSERT_EQ(r.status, 200) << r.body;
    std::string task = r.json["rotation_task_id"].GetString();
    EXPECT_EQ(WaitTask(task), "FAILED");
    HttpResult t = client_->Request("GET", Path("/csms/tasks?task_id=" + task));
    ASSERT_EQ(t.status, 200) << t.body;
    ExpectStrictJson(t, name);
    EXPECT_EQ(std::string(t.json["tasks"][0]["task_error_code"].GetString()), "CSMS.0806") << t.body;
    ExpectAlive("a rotation function answering " + name);
  }
  HttpResult v = client_->Request("GET", Path("/secrets/r1/versions/latest"));
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(std::string(v.json["version"]["secret_string"].GetString()), "keep-me");
}

}  // namespace
}  // namespace csms::test
