// The router: literal segments win over parameters, the method is checked against the most
// specific template, parameters are decoded, and Find does not depend on registration order.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "http/router.h"

namespace csms::test {
namespace {

using R = http::Router<std::string>;

struct Found {
  R::Match match;
  std::string route;
  http::PathParams params;
};

Found Find(const R& r, std::string_view method, std::string_view path) {
  Found f;
  const std::string* route = nullptr;
  f.match = r.Find(method, path, &route, &f.params);
  if (route) f.route = *route;
  return f;
}

// The secrets routes in the order the handlers register them (names first), then the literal ones.
R SecretsRouter(bool literals_first) {
  R r;
  auto literals = [&] {
    r.Add("POST", "/v1/{project_id}/secrets/restore", "restore");
    r.Add("POST", "/v1/{project_id}/secrets/batch-import", "batch-import");
    r.Add("GET", "/v1/{project_id}/secrets/checker/config", "show-config");
    r.Add("POST", "/v1/{project_id}/secrets/checker/config", "update-config");
    r.Add("GET", "/v1/{project_id}/csms/events/{event_name}", "show-event");
    r.Add("GET", "/v1/{project_id}/csms/tags", "project-tags");
  };
  if (literals_first) literals();
  r.Add("GET", "/v1/{project_id}/secrets/{secret_name}", "show");
  r.Add("PUT", "/v1/{project_id}/secrets/{secret_name}", "update");
  r.Add("DELETE", "/v1/{project_id}/secrets/{secret_name}", "delete");
  r.Add("GET", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}", "show-stage");
  r.Add("GET", "/v1/{project_id}/csms/{secret_id}/tags", "secret-tags");
  r.Add("GET", "/v1/{project_id}/csms/{secret_id}/tags/{key}", "secret-tag");
  if (!literals_first) literals();
  return r;
}

class RouterOrder : public ::testing::TestWithParam<bool> {};

TEST_P(RouterOrder, LiteralSegmentsWinOverNames) {
  R r = SecretsRouter(GetParam());
  auto f = Find(r, "POST", "/v1/p/secrets/restore");
  EXPECT_EQ(f.match, R::Match::kFound);
  EXPECT_EQ(f.route, "restore");
  f = Find(r, "POST", "/v1/p/secrets/batch-import/");
  EXPECT_EQ(f.match, R::Match::kFound);
  EXPECT_EQ(f.route, "batch-import");
  EXPECT_EQ(Find(r, "GET", "/v1/p/secrets/checker/config").route, "show-config");
  EXPECT_EQ(Find(r, "POST", "/v1/p/secrets/checker/config").route, "update-config");
  // "events" is a literal in the event route and a {secret_id} in the tag route: the literal wins
  // at the first segment where the two differ, although the tag route has a literal later on.
  f = Find(r, "GET", "/v1/p/csms/events/tags");
  EXPECT_EQ(f.route, "show-event");
  EXPECT_EQ(f.params.Get("event_name"), "tags");
  EXPECT_EQ(Find(r, "GET", "/v1/p/csms/tags").route, "project-tags");
  // Names still reach the name routes.
  f = Find(r, "GET", "/v1/p/secrets/db-pass");
  EXPECT_EQ(f.route, "show");
  EXPECT_EQ(f.params.Get("secret_name"), "db-pass");
  EXPECT_EQ(f.params.Get("project_id"), "p");
  EXPECT_EQ(Find(r, "GET", "/v1/p/csms/0c1d/tags").route, "secret-tags");
  EXPECT_EQ(Find(r, "GET", "/v1/p/csms/0c1d/tags/k").params.Get("key"), "k");
}

TEST_P(RouterOrder, AMethodTheLiteralRouteLacksFallsBackToTheNameRoute) {
  R r = SecretsRouter(GetParam());
  // A secret may be named "restore": POST /secrets/restore is UploadSecretBlob, but GET (and PUT,
  // DELETE) of that path show, update and delete the secret, as for any other name.
  auto f = Find(r, "GET", "/v1/p/secrets/restore");
  EXPECT_EQ(f.match, R::Match::kFound);
  EXPECT_EQ(f.route, "show");
  EXPECT_EQ(f.params.Get("secret_name"), "restore");
  // 405 only when no template matching the path has the method.
  EXPECT_EQ(Find(r, "PATCH", "/v1/p/secrets/restore").match, R::Match::kNoMethod);
  EXPECT_EQ(Find(r, "POST", "/v1/p/secrets/db-pass").match, R::Match::kNoMethod);
  EXPECT_EQ(Find(r, "GET", "/v1/p/nothing/here").match, R::Match::kNoPath);
  EXPECT_EQ(Find(r, "GET", "/v1/p/secrets/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q").match, R::Match::kNoPath);
  EXPECT_EQ(Find(r, "GET", "/v1/p//secrets").match, R::Match::kNoPath);
}

INSTANTIATE_TEST_SUITE_P(BothRegistrationOrders, RouterOrder, ::testing::Bool());

TEST(Router, DecodesParametersAndRefusesBadBytes) {
  R r = SecretsRouter(false);
  auto f = Find(r, "GET", "/v1/p/secrets/bad%21name");
  EXPECT_EQ(f.match, R::Match::kFound);
  EXPECT_EQ(f.params.Get("secret_name"), "bad!name");
  EXPECT_EQ(Find(r, "GET", "/v1/p/secrets/%ff").match, R::Match::kBadPath);
  EXPECT_EQ(Find(r, "GET", "/v1/p/secrets/%zz").match, R::Match::kBadPath);
}

TEST(Router, SplitPathIntoAFixedArray) {
  std::string_view parts[3];
  size_t n = 0;
  EXPECT_TRUE(http::SplitPath("/a/b/", parts, 3, &n));
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(parts[1], "b");
  EXPECT_TRUE(http::SplitPath("/", parts, 3, &n));
  EXPECT_EQ(n, 0u);
  EXPECT_FALSE(http::SplitPath("/a/b/c/d", parts, 3, &n));
  EXPECT_FALSE(http::SplitPath("a/b", parts, 3, &n));
}

// Not a benchmark: a guard that matching stays cheap with a table of the API's size (the time
// printed is for the reader; the bound is generous enough for a loaded machine).
TEST(Router, FindStaysCheapWithAFullTable) {
  R r = SecretsRouter(false);
  for (int i = 0; i < 40; ++i) r.Add("GET", "/v1/{project_id}/filler" + std::to_string(i) + "/{x}", "filler");
  constexpr int kRounds = 200000;
  auto start = std::chrono::steady_clock::now();
  size_t hits = 0;
  for (int i = 0; i < kRounds; ++i) {
    http::PathParams params;
    const std::string* route = nullptr;
    hits += r.Find("GET", "/v1/0123456789abcdef0123456789abcdef/secrets/db-pass", &route, &params) == R::Match::kFound;
  }
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(hits, size_t{kRounds});
  std::printf("Router::Find: %.0f ns per call over %zu routes\n", double(ns) / kRounds, r.Routes().size());
  EXPECT_LT(double(ns) / kRounds, 50'000.0);
}

}  // namespace
}  // namespace csms::test
