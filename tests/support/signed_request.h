// Requests signed with SDK-HMAC-SHA256 the way the Node SDK signs them (content-type, host,
// x-project-id, x-sdk-date, and x-security-token for temporary credentials), plus helpers for the
// `csmsd admin` access-key subcommands.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/dev_fixture.h"
#include "support/http_client.h"

namespace csms::test {

struct AkSk {
  std::string ak, sk;
  std::string security_token;  // temporary credentials only
  int64_t expires_at_ms = 0;   // temporary credentials: the expires_at `csmsd admin` printed
};

// A request before and after signing; tests may tamper with any part after Sign().
struct SignedParts {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // all signed, lower-case names
  std::string body;
  std::string authorization;

  // Adds x-sdk-date for `epoch_seconds` and computes the Authorization header.
  void Sign(const AkSk& cred, int64_t epoch_seconds);
  HttpResult Send(HttpClient& client, const Headers& extra = {}) const;
  std::string* Header(const std::string& name);
};

// The usual signed request: content-type, host (127.0.0.1:<port>), x-project-id when
// `project_id` is not empty, x-security-token when the credential has one.
SignedParts MakeSigned(const HttpClient& client, const AkSk& cred, const std::string& method, const std::string& target,
                       const std::string& body, const std::string& project_id);
// Now, from the system clock (the server's clock unless --dev moved it).
int64_t NowSeconds();
// MakeSigned + Sign(now) + Send.
HttpResult SignedRequest(HttpClient& client, const AkSk& cred, const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& project_id = "");

// Runs `csmsd admin --data-dir <data_dir> args...`; returns the key=value lines of its output.
// The exit code goes to *exit_code when given.
std::map<std::string, std::string> RunAdmin(const std::string& data_dir, const std::vector<std::string>& args,
                                            int* exit_code = nullptr, std::string* output = nullptr);
// `admin create-access-key` / `create-temporary-credentials` for a user of domain csms.
AkSk CreateAccessKey(const std::string& data_dir, const std::string& user);
AkSk CreateTemporaryCredentials(const std::string& data_dir, const std::string& user, int duration_seconds);

// The key=value lines of <data_dir>/initial-credentials (first start of a non-dev server).
std::map<std::string, std::string> ReadInitialCredentials(const std::string& data_dir);

}  // namespace csms::test
