// Names in paths: a malformed secret, event, stage or version name is 400 naming the parameter and
// its rule (after authentication), never 404 "does not exist"; a well-formed name that does not
// exist stays 404.
#include <gtest/gtest.h>

#include <string>

#include "support/dev_server.h"

namespace csms::test {
namespace {

class PathNamesTest : public DevServerTest {};

TEST_F(PathNamesTest, MalformedNamesAre400NamingTheParameter) {
  ASSERT_EQ(client_->Request("POST", Path("/secrets"), R"({"name":"ok","secret_string":"v"})").status, 200);
  const std::string too_long(65, 'a');
  struct Case {
    const char* method;
    std::string path;
    const char* param;
  } cases[] = {
      {"GET", Path("/secrets/bad%21name"), "secret_name"},
      {"GET", Path("/secrets/" + too_long), "secret_name"},
      {"DELETE", Path("/secrets/bad%20name"), "secret_name"},
      {"POST", Path("/secrets/bad.name/rotate"), "secret_name"},
      {"GET", Path("/secrets/%C3%A9t%C3%A9/versions"), "secret_name"},
      {"GET", Path("/csms/events/bad%21name"), "event_name"},
      {"PUT", Path("/csms/events/" + too_long), "event_name"},
      {"GET", Path("/secrets/ok/stages/bad%21stage"), "stage_name"},
      {"GET", Path("/secrets/ok/versions/%21v1"), "version_id"},
      {"GET", Path("/secrets/ok/versions/" + std::string(65, 'v')), "version_id"},
  };
  for (const auto& c : cases) {
    HttpResult r = client_->Request(c.method, c.path, "{}");
    EXPECT_EQ(r.status, 400) << c.method << " " << c.path << " " << r.body;
    EXPECT_EQ(r.ErrorCode(), "CSMS.0002") << c.path;
    EXPECT_NE(r.body.find(std::string("invalid ") + c.param), std::string::npos) << c.path << " " << r.body;
  }
}

TEST_F(PathNamesTest, WellFormedMissingNamesStay404AndCredentialsComeFirst) {
  HttpResult r = client_->Request("GET", Path("/secrets/" + std::string(64, 'a')));
  EXPECT_EQ(r.status, 404) << r.body;
  r = client_->Request("GET", Path("/csms/events/no-such-event"));
  EXPECT_EQ(r.status, 404) << r.body;
  HttpClient anonymous(server_.port());
  EXPECT_EQ(anonymous.Request("GET", Path("/secrets/bad%21name")).status, 401);
}

}  // namespace
}  // namespace csms::test
