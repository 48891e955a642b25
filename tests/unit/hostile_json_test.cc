// Hostile input at the lowest layers: JSON nesting and UTF-8 in json::ParseObject, the UTF-8
// helpers of common/utf8, the response writer, and the query-string parser (issue 14, items 1, 3
// and 4). The integration side is tests/integration/hostile_input_test.cc.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "common/utf8.h"
#include "http/message.h"
#include "http/router.h"
#include "json/reader.h"
#include "json/writer.h"

namespace csms {
namespace {

// {"a":[[...[]...]]}: `depth` levels in all, the root object included.
std::string NestedArrays(int depth) {
  return "{\"a\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
}

// {"a":{"a":...{}...}}: `depth` objects.
std::string NestedObjects(int depth) {
  std::string s;
  for (int i = 1; i < depth; ++i) s += "{\"a\":";
  s += "{}";
  s += std::string(depth - 1, '}');
  return s;
}

Status Parse(const std::string& body) {
  rapidjson::Document doc;
  return json::ParseObject(body, &doc);
}

TEST(JsonDepth, AcceptsUpToTheLimitAndRefusesBeyond) {
  ASSERT_EQ(json::kMaxDepth, 64);
  for (auto make : {&NestedArrays, &NestedObjects}) {
    for (int depth : {1, 2, 10, json::kMaxDepth - 1, json::kMaxDepth}) {
      if (depth == 1 && make == &NestedArrays) continue;
      EXPECT_TRUE(Parse(make(depth)).ok()) << depth << ": " << Parse(make(depth)).ToString();
    }
    for (int depth : {json::kMaxDepth + 1, json::kMaxDepth + 2, 1000, 200000}) {
      Status s = Parse(make(depth));
      EXPECT_EQ(s.code(), "CSMS.0004") << depth;
      EXPECT_EQ(s.http_status(), 400) << depth;
      EXPECT_NE(s.message().find("nested more deeply than 64"), std::string::npos) << s.message();
    }
  }
}

TEST(JsonDepth, TheReproducersOfTheCrashAreA400) {
  // Unclosed, as the attack sent them: the parse must stop at the limit, not at the end.
  for (const std::string& body : {std::string(200000, '['), std::string(131000, '[') + std::string(131000, ']')}) {
    Status s = Parse(body);
    EXPECT_EQ(s.code(), "CSMS.0004");
    EXPECT_NE(s.message().find("nested"), std::string::npos) << s.message();
  }
  std::string objects;
  for (int i = 0; i < 200000; ++i) objects += "{\"a\":";
  EXPECT_EQ(Parse(objects).code(), "CSMS.0004");
  // Mixed, inside a real-looking body.
  std::string mixed = "{\"auth\":{\"identity\":";
  for (int i = 0; i < 100000; ++i) mixed += i % 2 ? "[" : "{\"x\":";
  EXPECT_EQ(Parse(mixed).code(), "CSMS.0004");
}

TEST(JsonDepth, WideIsNotDeep) {
  // Many siblings at a shallow depth are fine: only nesting is bounded.
  std::string wide = "{\"a\":[";
  for (int i = 0; i < 10000; ++i) wide += i ? ",[[1]]" : "[[1]]";
  wide += "]}";
  EXPECT_TRUE(Parse(wide).ok());
}

TEST(JsonParse, StillReportsSyntaxAndShape) {
  EXPECT_EQ(Parse("").code(), "CSMS.0004");
  EXPECT_EQ(Parse("{").code(), "CSMS.0004");
  EXPECT_EQ(Parse("[]").code(), "CSMS.0004");
  EXPECT_EQ(Parse("{} {}").code(), "CSMS.0004");
  // A NUL byte ends RapidJSON's input: what follows it must not be silently ignored.
  EXPECT_EQ(Parse(std::string("{}\0{\"x\":1}", 11)).code(), "CSMS.0004");
  rapidjson::Document doc;
  ASSERT_TRUE(json::ParseObject(R"({"n":12345678901234567,"s":"h\u00e9\ud83d\ude00","b":true})", &doc).ok());
  EXPECT_EQ(doc["n"].GetInt64(), 12345678901234567);
  EXPECT_EQ(std::string(doc["s"].GetString()), "h\xc3\xa9\xf0\x9f\x98\x80");
}

// A key given twice in one object is refused and named, wherever the object is; the same key in
// different objects is fine. Escapes count: "n\u0061me" is "name".
TEST(JsonDuplicateKeys, AreRefusedAndNamed) {
  Status s = Parse(R"({"name":"a","secret_string":"x","name":"b"})");
  EXPECT_EQ(s.code(), "CSMS.0004");
  EXPECT_NE(s.message().find("duplicate key \"name\" in the body"), std::string::npos) << s.message();
  s = Parse(R"({"name":"a","n\u0061me":"b"})");
  EXPECT_EQ(s.code(), "CSMS.0004") << s.message();
  s = Parse(R"({"notification":{"target_type":"SMN","target_type":"WEBHOOK"}})");
  EXPECT_NE(s.message().find("duplicate key \"target_type\" in notification"), std::string::npos) << s.message();
  s = Parse(R"({"tags":[{"key":"a","value":"1"},{"key":"b","key":"c"}]})");
  EXPECT_NE(s.message().find("in tags[1]"), std::string::npos) << s.message();
  EXPECT_TRUE(Parse(R"({"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}],"k":0})").ok());
}

// Past a few keys the check uses a hash set: an object of 100,000 distinct keys parses, and a
// duplicate among them, early or late, is still found.
TEST(JsonDuplicateKeys, ManyKeysAreCheckedInLinearTime) {
  std::string body = "{";
  for (int i = 0; i < 100000; ++i) body += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  EXPECT_TRUE(Parse(body + "}").ok());
  EXPECT_EQ(Parse(body + ",\"k99999\":2}").code(), "CSMS.0004");
  EXPECT_EQ(Parse(body + ",\"k3\":2}").code(), "CSMS.0004");
  EXPECT_EQ(Parse(R"({"a":1,"b":2,"c":3,"a":4})").code(), "CSMS.0004");
}

TEST(JsonUtf8, RefusesIllFormedStringsAndNamesTheField) {
  struct Case {
    std::string body;
    std::string field;
  };
  const Case cases[] = {
      {"{\"description\":\"a\xff\"}", "description"},
      {"{\"secret_string\":\"\xc3\"}", "secret_string"},              // truncated sequence
      {"{\"secret_string\":\"\xc0\xaf\"}", "secret_string"},          // overlong '/'
      {"{\"secret_string\":\"\xed\xa0\x80\"}", "secret_string"},      // raw surrogate (CESU-8)
      {"{\"secret_string\":\"\xf4\x90\x80\x80\"}", "secret_string"},  // above U+10FFFF
      {R"({"secret_string":"x\udc00y"})", "secret_string"},           // lone low surrogate escape
      {R"({"secret_string":"\udfff"})", "secret_string"},
      {"{\"notification\":{\"target_type\":\"WEBHOOK\",\"target_id\":\"https://h/\x80\"}}", "notification.target_id"},
      {"{\"event_types\":[\"SECRET_DELETED\",\"\xfe\"]}", "event_types[1]"},
      {"{\"a\":[{\"b\":[1,{\"c\":\"\xff\"}]}]}", "a[0].b[1].c"},
  };
  for (const Case& c : cases) {
    Status s = Parse(c.body);
    EXPECT_EQ(s.code(), "CSMS.0004") << c.field;
    EXPECT_NE(s.message().find("invalid " + c.field + ": not valid UTF-8"), std::string::npos) << s.message();
    EXPECT_TRUE(utf8::IsValid(s.message())) << c.field;
  }
  // A lone high surrogate is refused by RapidJSON itself.
  EXPECT_EQ(Parse(R"({"s":"\ud800"})").code(), "CSMS.0004");
  EXPECT_EQ(Parse(R"({"s":"\ud800x"})").code(), "CSMS.0004");
  // Keys too.
  Status key = Parse("{\"notification\":{\"\xff\":1}}");
  EXPECT_EQ(key.code(), "CSMS.0004");
  EXPECT_NE(key.message().find("a key in notification is not valid UTF-8"), std::string::npos) << key.message();
  EXPECT_EQ(Parse(R"({"\udc00":1})").code(), "CSMS.0004");
  // Well-formed text of every length passes.
  EXPECT_TRUE(
      Parse("{\"s\":\"\x7f \xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf\"}").ok());
}

TEST(Utf8, IsValid) {
  EXPECT_TRUE(utf8::IsValid(""));
  EXPECT_TRUE(utf8::IsValid("plain ascii"));
  EXPECT_TRUE(utf8::IsValid(std::string("nul\0ok", 6)));
  EXPECT_TRUE(utf8::IsValid("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf \xee\x80\x80"));
  for (const char* bad :
       {"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc2", "\xc2\x41", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xe2\x82",
        "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
        "\xf8\x88\x80\x80\x80", "\xfe", "\xff", "ok\xf0\x9f\x98"}) {
    EXPECT_FALSE(utf8::IsValid(bad)) << testing::PrintToString(std::string(bad));
  }
}

TEST(Utf8, SanitizeReplacesEachMaximalSubpart) {
  EXPECT_EQ(utf8::Sanitize("h\xc3\xa9llo"), "h\xc3\xa9llo");
  EXPECT_EQ(utf8::Sanitize("a\xff"
                           "b"),
            "a\xef\xbf\xbd"
            "b");
  // Unicode's example: the truncated E2 82 is one replacement, each lone byte another.
  EXPECT_EQ(utf8::Sanitize("\xe2\x82"
                           "A\x80\x80"),
            "\xef\xbf\xbd"
            "A\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(utf8::Sanitize("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(utf8::Sanitize("x\xf0\x9f\x98"), "x\xef\xbf\xbd");
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_TRUE(utf8::IsValid(utf8::Sanitize(all)));
}

TEST(Utf8, TruncateNeverSplitsACharacter) {
  const std::string s = "ab\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // a b é € 😀 (2+2+3+4 bytes)
  EXPECT_EQ(utf8::Truncate(s, 100), s);
  EXPECT_EQ(utf8::Truncate(s, 2), "ab");
  EXPECT_EQ(utf8::Truncate(s, 3), "ab");
  EXPECT_EQ(utf8::Truncate(s, 4), "ab\xc3\xa9");
  EXPECT_EQ(utf8::Truncate(s, 5), "ab\xc3\xa9");
  EXPECT_EQ(utf8::Truncate(s, 6), "ab\xc3\xa9");
  EXPECT_EQ(utf8::Truncate(s, 7), "ab\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(utf8::Truncate(s, 10), "ab\xc3\xa9\xe2\x82\xac");
  for (size_t n = 0; n <= s.size(); ++n) EXPECT_TRUE(utf8::IsValid(utf8::Truncate(s, n))) << n;
  std::string many;
  for (int i = 0; i < 40; ++i) many += "\xc3\xa9";  // 80 bytes of é: a 64-byte cut keeps 32 of them
  EXPECT_EQ(utf8::Truncate(many, 64).size(), 64u);
  EXPECT_EQ(utf8::Truncate(many, 63).size(), 62u);
}

TEST(JsonWriter, EveryOutputIsValidUtf8) {
  json::Writer w;
  w.StartObject().Field("error_msg", "secret \xff\xfe not found").Key("k\x80").String("\xed\xa0\x80").EndObject();
  std::string out = w.Take();
  EXPECT_TRUE(utf8::IsValid(out)) << out;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << out;
  EXPECT_EQ(std::string(doc["error_msg"].GetString()), "secret \xef\xbf\xbd\xef\xbf\xbd not found");
  // Valid text is written as it is.
  json::Writer v;
  v.StartObject().Field("d", "h\xc3\xa9").EndObject();
  EXPECT_EQ(v.Take(), "{\"d\":\"h\xc3\xa9\"}");
}

TEST(QueryParamsStrict, RepeatedKeysAreRefusedNamingTheKey) {
  http::QueryParams q;
  for (const char* query : {"limit=1&limit=3", "limit=3&limit=1", "marker=a&limit=2&marker=a", "limit=1&l%69mit=1",
                            "flag&flag", "flag=&flag", "a+b=1&a%20b=2", "x=1&&x=1&"}) {
    Status s = q.Parse(query);
    EXPECT_EQ(s.code(), "CSMS.0002") << query;
    EXPECT_EQ(s.http_status(), 400) << query;
    EXPECT_NE(s.message().find("more than once"), std::string::npos) << s.message();
    EXPECT_TRUE(q.items().empty()) << query;
  }
  EXPECT_NE(q.Parse("limit=1&limit=3").message().find("invalid limit"), std::string::npos);
  EXPECT_TRUE(q.Parse("limit=1&marker=x&event_name=e").ok());
  EXPECT_EQ(q.Get("limit"), "1");
}

TEST(QueryParamsStrict, IllFormedUtf8AndPercentEncoding) {
  http::QueryParams q;
  Status s = q.Parse("marker=%FF");
  EXPECT_EQ(s.code(), "CSMS.0002");
  EXPECT_NE(s.message().find("invalid marker: not valid UTF-8"), std::string::npos) << s.message();
  s = q.Parse("%C3=1");
  EXPECT_EQ(s.code(), "CSMS.0002");
  EXPECT_TRUE(utf8::IsValid(s.message()));
  EXPECT_EQ(q.Parse("marker=%zz").code(), "CSMS.0003");
  EXPECT_TRUE(q.Parse("marker=%C3%A9").ok());
  EXPECT_EQ(q.Get("marker"), "\xc3\xa9");
}

TEST(RouterUtf8, IllFormedPathParametersAreABadPath) {
  http::Router<int> r;
  r.Add("GET", "/v1/{project_id}/secrets/{secret_name}", 1);
  const int* route = nullptr;
  http::PathParams params;
  using M = http::Router<int>::Match;
  EXPECT_EQ(r.Find("GET", "/v1/p/secrets/%FF", &route, &params), M::kBadPath);
  EXPECT_EQ(r.Find("GET", "/v1/p/secrets/a%C3", &route, &params), M::kBadPath);
  EXPECT_EQ(r.Find("GET", "/v1/p/secrets/%ED%A0%80", &route, &params), M::kBadPath);
  ASSERT_EQ(r.Find("GET", "/v1/p/secrets/h%C3%A9", &route, &params), M::kFound);
  EXPECT_EQ(params.Get("secret_name"), "h\xc3\xa9");
}

}  // namespace
}  // namespace csms
