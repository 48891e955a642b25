// Fixture pieces shared by integration tests: a --dev csmsd with a token for the fixed admin.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/csmsd_process.h"
#include "support/dev_fixture.h"
#include "support/http_client.h"

namespace csms::test {

// The Keystone password-auth body for a user/domain/project.
std::string PasswordAuthBody(const std::string& user, const std::string& password, const std::string& domain,
                             const std::string& project_id, const std::string& project_name = "");
// POST /v3/auth/tokens; returns the X-Subject-Token or "" (with a gtest failure).
std::string GetToken(HttpClient& client, const std::string& user, const std::string& password,
                     const std::string& domain, const std::string& project_id);

class DevServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // Extra csmsd flags for a test suite.
  virtual std::vector<std::string> ExtraArgs() { return {}; }

  std::string Path(const std::string& rest) const { return std::string("/v1/") + kDevProject + rest; }

  CsmsdProcess server_;
  std::unique_ptr<HttpClient> client_;
  std::string token_;
};

}  // namespace csms::test
