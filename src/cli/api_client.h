// The one way `csms` talks to csmsd: a blocking HTTP(S) request (net/http_call) signed with the
// server's own SDK-HMAC-SHA256 signer (auth/signature.h) or carrying a cached token. A request
// that gets no answer ends the process with exit code 3; an error answer with exit code 1 and the
// CSMS code and message on stderr.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/config.h"

namespace csms::cli {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ApiResponse {
  int status = 0;
  std::string body;
  HeaderList headers;  // lower-case names
  std::string Header(std::string_view lower_name) const;
};

// "/<percent-encoded segment>" for a name or id in a path.
std::string Segment(std::string_view value);

// A query string built from the parameters that have values: "?a=1&b=x" or "".
class Query {
 public:
  Query& Add(const std::string& key, const std::string& value);
  Query& Add(const std::string& key, long long value) { return Add(key, std::to_string(value)); }
  std::string str() const { return text_.empty() ? "" : "?" + text_; }

 private:
  std::string text_;
};

// The CSMS error of an answer as one line: "CSMS.0005: <message> (HTTP 404, request <id>)".
std::string DescribeError(const ApiResponse& response);

class ApiClient {
 public:
  // How requests authenticate: "aksk", "token" or "none" (login).
  ApiClient(Settings settings, std::string auth_mode);

  // Picks the mode of settings.auth ("auto": the access key when one is configured, else the
  // cached token). Throws a usage error when neither is available.
  static ApiClient ForSettings(const Settings& settings);

  // Throws CliError: kExitConnection when no answer came, kExitApiError for a status >= 400.
  ApiResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                   const HeaderList& extra_headers = {});
  // Like Call, but an error answer is returned instead of thrown.
  ApiResponse Send(const std::string& method, const std::string& target, const std::string& body = "",
                   const HeaderList& extra_headers = {});

  // "/v1/<project id>" + rest.
  std::string ProjectPath(std::string_view rest) const;
  const Settings& settings() const { return settings_; }
  const std::string& project_id() const { return settings_.project_id; }

 private:
  Settings settings_;
  std::string mode_;
  std::string token_;
};

}  // namespace csms::cli
