// Per-route body limits (http/body_limits.h): what the server holds each route to before reading
// a body.
#include "http/body_limits.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/route_table.h"

namespace csms::http {
namespace {

constexpr size_t kMax = 4 * 1024 * 1024;

TEST(BodyLimitsTest, SmallByDefaultLargeOnlyWhereTheRouteNeedsIt) {
  BodyLimits limits(kMax);
  EXPECT_EQ(limits.For("POST", "/v3/auth/tokens"), BodyLimits::kDefault);
  EXPECT_EQ(limits.For("POST", "/v1/p/csms/events"), BodyLimits::kDefault);
  EXPECT_EQ(limits.For("PUT", "/v1/p/csms/events/e"), BodyLimits::kDefault);
  EXPECT_EQ(limits.For("POST", "/no/such/route"), BodyLimits::kDefault);
  EXPECT_EQ(limits.For("GET", "/metrics"), BodyLimits::kDefault);
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets"), BodyLimits::kSecretValue);
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets?x=1"), BodyLimits::kSecretValue);
  EXPECT_EQ(limits.For("PUT", "/v1/p/secrets/s"), BodyLimits::kSecretValue);
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets/s/versions"), BodyLimits::kSecretValue);
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets/restore"), kMax);
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets/batch-import"), kMax);
  // Only the bulk routes themselves get the bulk limit.
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets/restore/backup"), BodyLimits::kDefault);
}

TEST(BodyLimitsTest, WithoutCredentialsEveryRouteIsSmall) {
  BodyLimits limits(kMax);
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets/restore", false), BodyLimits::kDefault);
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets", false), BodyLimits::kDefault);
  EXPECT_EQ(limits.For("POST", "/v3/auth/tokens", false), BodyLimits::kDefault);
}

TEST(BodyLimitsTest, NoRouteGetsMoreThanTheServerMaximum) {
  BodyLimits limits(1000);
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets/restore"), 1000u);
  EXPECT_EQ(limits.For("POST", "/v1/p/secrets"), 1000u);
  EXPECT_EQ(limits.For("POST", "/v3/auth/tokens"), 1000u);
}

// A listed route that the API does not serve (renamed, removed) would silently fall back to the
// default limit: every listed one must be a real route.
TEST(BodyLimitsTest, EveryListedRouteIsServed) {
  std::set<std::string> served;
  for (const auto& r : test::ServerRoutes(false)) served.insert(r.method + " " + r.path_template);
  for (const auto& r : BodyLimits(kMax).Routes()) {
    EXPECT_TRUE(served.count(std::string(r.method) + " " + r.path_template)) << r.method << " " << r.path_template;
  }
}

}  // namespace
}  // namespace csms::http
