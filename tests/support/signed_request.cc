#include "support/signed_request.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "auth/signature.h"
#include "support/csmsd_process.h"

namespace csms::test {
namespace {

std::map<std::string, std::string> ParseKeyValues(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos || line.find(' ') < eq) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

}  // namespace

void SignedParts::Sign(const AkSk& cred, int64_t epoch_seconds) {
  std::string date = auth::FormatSdkDate(epoch_seconds);
  if (std::string* d = Header("x-sdk-date"))
    *d = date;
  else
    headers.emplace_back("x-sdk-date", date);
  authorization = auth::SignRequest(cred.ak, cred.sk, method, target, headers, body, date);
}

std::string* SignedParts::Header(const std::string& name) {
  for (auto& [k, v] : headers) {
    if (k == name) return &v;
  }
  return nullptr;
}

HttpResult SignedParts::Send(HttpClient& client, const Headers& extra) const {
  Headers h(headers.begin(), headers.end());
  h.emplace_back("Authorization", authorization);
  h.insert(h.end(), extra.begin(), extra.end());
  return client.Request(method, target, body, h);
}

SignedParts MakeSigned(const HttpClient& client, const AkSk& cred, const std::string& method, const std::string& target,
                       const std::string& body, const std::string& project_id) {
  SignedParts p;
  p.method = method;
  p.target = target;
  p.body = body;
  p.headers.emplace_back("content-type", "application/json");
  p.headers.emplace_back("host", "127.0.0.1:" + std::to_string(client.port()));
  if (!project_id.empty()) p.headers.emplace_back("x-project-id", project_id);
  if (!cred.security_token.empty()) p.headers.emplace_back("x-security-token", cred.security_token);
  return p;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

HttpResult SignedRequest(HttpClient& client, const AkSk& cred, const std::string& method, const std::string& target,
                         const std::string& body, const std::string& project_id) {
  SignedParts p = MakeSigned(client, cred, method, target, body, project_id);
  p.Sign(cred, NowSeconds());
  return p.Send(client);
}

std::map<std::string, std::string> RunAdmin(const std::string& data_dir, const std::vector<std::string>& args,
                                            int* exit_code, std::string* output) {
  std::vector<std::string> full = {"admin", "--data-dir", data_dir};
  full.insert(full.end(), args.begin(), args.end());
  std::string out;
  int rc = RunCsmsd(full, &out);
  if (exit_code)
    *exit_code = rc;
  else
    EXPECT_EQ(rc, 0) << out;
  if (output) *output = out;
  return ParseKeyValues(out);
}

AkSk CreateAccessKey(const std::string& data_dir, const std::string& user) {
  auto kv = RunAdmin(data_dir, {"create-access-key", "--user", user});
  EXPECT_FALSE(kv["access_key"].empty());
  return AkSk{kv["access_key"], kv["secret_key"], ""};
}

AkSk CreateTemporaryCredentials(const std::string& data_dir, const std::string& user, int duration_seconds) {
  auto kv = RunAdmin(data_dir, {"create-temporary-credentials", "--user", user, "--duration-seconds",
                                std::to_string(duration_seconds)});
  EXPECT_FALSE(kv["security_token"].empty());
  // expires_at=2026-12-01T11:30:00.123Z
  std::tm tm{};
  int millis = 0;
  std::istringstream in(kv["expires_at"]);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  char dot = 0;
  in >> dot >> millis;
  EXPECT_TRUE(!in.fail() && dot == '.') << "expires_at=" << kv["expires_at"];
  int64_t expires_at_ms = static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
  return AkSk{kv["access_key"], kv["secret_key"], kv["security_token"], expires_at_ms};
}

std::map<std::string, std::string> ReadInitialCredentials(const std::string& data_dir) {
  std::ifstream in(data_dir + "/initial-credentials");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseKeyValues(ss.str());
}

}  // namespace csms::test
