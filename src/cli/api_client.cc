#include "cli/api_client.h"

#include <rapidjson/document.h>

#include <chrono>
#include <ctime>

#include "auth/signature.h"
#include "cli/cli_error.h"
#include "cli/output.h"
#include "common/utf8.h"
#include "crypto/encoding.h"
#include "json/reader.h"
#include "net/http_call.h"

namespace csms::cli {
namespace {

constexpr const char* kUserAgent = "csms-cli";

std::string StringMember(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return "";
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

}  // namespace

std::string ApiResponse::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return "";
}

std::string Segment(std::string_view value) { return "/" + crypto::PercentEncode(value); }

Query& Query::Add(const std::string& key, const std::string& value) {
  if (value.empty()) return *this;
  if (!text_.empty()) text_ += '&';
  text_ += crypto::PercentEncode(key) + "=" + crypto::PercentEncode(value);
  return *this;
}

std::string DescribeError(const ApiResponse& response) {
  std::string code, message;
  rapidjson::Document doc;
  if (json::ParseObject(response.body, &doc).ok()) {
    code = StringMember(doc, "error_code");
    message = StringMember(doc, "error_msg");
    if (code.empty() && doc.HasMember("error")) {
      code = StringMember(doc["error"], "error_code");
      message = StringMember(doc["error"], "error_msg");
    }
  }
  std::string where = "HTTP " + std::to_string(response.status);
  if (std::string id = response.Header("x-request-id"); !id.empty()) where += ", request " + id;
  if (code.empty()) {
    std::string body(utf8::Truncate(response.body, 200));
    return "server answered " + where + (body.empty() ? "" : ": " + Printable(body));
  }
  return Printable(code) + ": " + Printable(message) + " (" + Printable(where) + ")";
}

ApiClient::ApiClient(Settings settings, std::string auth_mode)
    : settings_(std::move(settings)), mode_(std::move(auth_mode)) {
  if (mode_ == "aksk") {
    if (settings_.access_key.empty()) {
      throw UsageError(
          "no access key: give --access-key/--secret-key, set CSMS_ACCESS_KEY/CSMS_SECRET_KEY, "
          "add them to the profile, or use --dev");
    }
    if (settings_.project_id.empty()) throw UsageError("no project id: give --project-id or set CSMS_PROJECT_ID");
  } else if (mode_ == "token") {
    auto cached = LoadToken(settings_);
    if (!cached) throw UsageError("not logged in (profile " + settings_.profile + "): run `csms login` first");
    if (cached->endpoint != settings_.endpoint) {
      throw UsageError("the token of profile " + settings_.profile + " is for " + cached->endpoint + ", not " +
                       settings_.endpoint + ": run `csms login` again");
    }
    if (settings_.project_id.empty()) settings_.project_id = cached->project_id;
    if (cached->project_id != settings_.project_id) {
      throw UsageError("the token of profile " + settings_.profile + " is scoped to project " + cached->project_id +
                       ": run `csms login` again");
    }
    token_ = cached->token;
  } else if (mode_ != "none") {
    throw UsageError("--auth must be auto, aksk or token");
  }
}

ApiClient ApiClient::ForSettings(const Settings& settings) {
  std::string mode = settings.auth;
  if (mode == "auto") mode = settings.access_key.empty() ? "token" : "aksk";
  return ApiClient(settings, mode);
}

std::string ApiClient::ProjectPath(std::string_view rest) const {
  return "/v1/" + crypto::PercentEncode(settings_.project_id) + std::string(rest);
}

ApiResponse ApiClient::Send(const std::string& method, const std::string& target, const std::string& body,
                            const HeaderList& extra_headers) {
  net::HttpCallRequest request;
  request.method = method;
  request.url = settings_.endpoint + target;
  request.body = body;
  net::Url url;
  if (!net::ParseUrl(request.url, &url)) {
    throw UsageError("bad endpoint '" + settings_.endpoint + "': expected http://host[:port] or https://host[:port]");
  }
  HeaderList headers;
  if (!body.empty()) headers.emplace_back("content-type", "application/json;charset=UTF-8");
  if (mode_ == "aksk") {
    headers.emplace_back("host", net::HostHeader(url));
    headers.emplace_back("x-project-id", settings_.project_id);
    std::string date = auth::FormatSdkDate(static_cast<int64_t>(std::time(nullptr)));
    headers.emplace_back("x-sdk-date", date);
    std::string authorization =
        auth::SignRequest(settings_.access_key, settings_.secret_key, method, url.target, headers, body, date);
    if (authorization.empty()) throw UsageError("cannot sign a request to " + url.target);
    headers.emplace_back("authorization", authorization);
  } else if (mode_ == "token") {
    headers.emplace_back("x-auth-token", token_);
  }
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  headers.emplace_back("user-agent", kUserAgent);
  request.headers = std::move(headers);

  net::HttpCallOptions options;
  options.timeout = std::chrono::seconds(settings_.timeout_seconds);
  options.verify_peer = !settings_.insecure;
  options.ca_file = settings_.ca_file;
  options.max_response_bytes = 64 << 20;
  net::HttpCallResult result;
  if (!net::Send(request, options, &result)) {
    throw CliError(kExitConnection, "cannot reach " + settings_.endpoint + ": " + result.error);
  }
  ApiResponse response;
  response.status = result.status;
  response.body = std::move(result.body);
  response.headers = std::move(result.headers);
  return response;
}

ApiResponse ApiClient::Call(const std::string& method, const std::string& target, const std::string& body,
                            const HeaderList& extra_headers) {
  ApiResponse response = Send(method, target, body, extra_headers);
  if (response.status >= 400) {
    std::string message = DescribeError(response);
    if (response.status == 401 && mode_ == "token") message += "; run `csms login` again";
    throw CliError(kExitApiError, message);
  }
  return response;
}

}  // namespace csms::cli
