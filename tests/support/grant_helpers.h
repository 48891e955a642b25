// Helpers of the grants and users integration tests: GrantReq bodies, the users API, a user's
// token-bound client.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "support/http_client.h"

namespace csms::test {

// A GrantReq body; `validity` is raw JSON (a number or a quoted string), omitted when empty.
inline std::string GrantBody(const std::string& secret_id, const std::string& grantee_id,
                             const std::string& grantee_type = "0", const std::string& validity = "",
                             const std::string& type = "SECRET") {
  std::string body = R"({"resource_id":")" + secret_id + R"(","type":")" + type + R"(","grantee_type":")" +
                     grantee_type + R"(","grantee_target_id":")" + grantee_id + "\"";
  if (!validity.empty()) body += R"(,"validity_time":)" + validity;
  return body + "}";
}

// The id of the user `name` of the caller's domain, through ListUsers (user_info filter).
inline std::string UserIdByName(HttpClient& client, const std::string& token, const std::string& name) {
  auto r = client.Request("GET", "/v1/csms/users?offset=0&limit=100&user_info=" + name, "", {{"X-Auth-Token", token}});
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200 || !r.ok_json) return "";
  for (const auto& u : r.json["users"].GetArray()) {
    if (std::string(u["user_name"].GetString()) == name) return u["user_id"].GetString();
  }
  ADD_FAILURE() << "no user " << name << " in " << r.body;
  return "";
}

}  // namespace csms::test
