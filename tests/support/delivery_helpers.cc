#include "support/delivery_helpers.h"

#include <unistd.h>

#include <stdlib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "json/writer.h"

namespace csms::test {
namespace {

// Runs a shell command, returns its stdout; *rc gets the exit status.
std::string Capture(const std::string& command, int* rc) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) {
    *rc = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = ::pclose(p);
  *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string TempPath(const std::string& stem) {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          ("csms-" + stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter)))
      .string();
}

std::string WebhooksDir() {
  // This file is tests/support/delivery_helpers.cc; the npm project is tests/webhooks.
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / "webhooks").string();
}

}  // namespace

std::string CreateWebhookEvent(SecretsApi& api, const std::string& name, const std::vector<std::string>& types,
                               const std::string& url) {
  auto r = api.Post("/csms/events", EventBody(name, types, WebhookTargetJson(url)));
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200 || !r.json["event"]["notification"].HasMember("signing_secret")) return "";
  return r.json["event"]["notification"]["signing_secret"].GetString();
}

bool WaitForStatusCount(SecretsApi& api, const std::string& status, size_t n, std::chrono::milliseconds timeout,
                        const std::string& extra_query) {
  std::string query = "notification_status=" + status + (extra_query.empty() ? "" : "&" + extra_query);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (ListAllRecords(api, query).size() >= n) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

HttpResult ShowRecord(SecretsApi& api, const std::string& record_id) {
  return api.Get("/csms/notification-records/" + record_id);
}

bool OpensslVerifies(const std::string& secret, const ReceivedRequest& request) {
  const std::string prefix = "whsec_";
  std::string b64 = secret.rfind(prefix, 0) == 0 ? secret.substr(prefix.size()) : secret;
  std::string payload_file = TempPath("payload"), key_file = TempPath("key");
  std::ofstream(payload_file, std::ios::binary)
      << request.Header("webhook-id") << "." << request.Header("webhook-timestamp") << "." << request.body;
  std::ofstream(key_file) << b64 << "\n";
  int rc = 0;
  // Key bytes as hex: openssl decodes the Base64 itself; od prints the bytes.
  std::string hex = Capture("openssl base64 -d -A -in " + key_file + " | od -An -v -tx1 | tr -d ' \\n'", &rc);
  std::string expected;
  if (rc == 0 && !hex.empty()) {
    expected = Capture(
        "openssl dgst -sha256 -mac HMAC -macopt hexkey:" + hex + " -binary " + payload_file + " | openssl base64 -A",
        &rc);
  }
  std::filesystem::remove(payload_file);
  std::filesystem::remove(key_file);
  if (rc != 0 || expected.empty()) return false;
  std::string header = request.Header("webhook-signature");
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t space = header.find(' ', pos);
    std::string item = header.substr(pos, space == std::string::npos ? std::string::npos : space - pos);
    if (item == "v1," + expected) return true;
    if (space == std::string::npos) break;
    pos = space + 1;
  }
  return false;
}

bool NodeTestsOptedOut() {
  const char* v = getenv("CSMS_SKIP_NODE_TESTS");
  return v != nullptr && std::string(v) == "1";
}

bool PrepareStandardWebhooks(std::string* why) {
  static std::string failure;
  static const bool ready = [] {
    int rc = 0;
    std::string versions = Capture("node --version 2>&1 && npm --version 2>&1", &rc);
    if (rc != 0) {
      failure = "node or npm is missing (scripts/install-deps.sh installs them; CSMS_SKIP_NODE_TESTS=1 opts out): " +
                versions;
      return false;
    }
    const std::string dir = WebhooksDir();
    // Installed on first use from package-lock.json, like tests/sdk; several test processes
    // (ctest -j) may get here at once, hence the lock.
    std::string output =
        Capture("cd " + dir +
                    " && flock /tmp/csms-webhooks-npm.lock sh -c "
                    "'test -f node_modules/standardwebhooks/package.json || npm ci --no-audit --no-fund' 2>&1",
                &rc);
    if (rc != 0 || !std::filesystem::exists(dir + "/node_modules/standardwebhooks/package.json")) {
      failure = "npm ci in " + dir + " failed (exit " + std::to_string(rc) + "):\n" + output;
      return false;
    }
    return true;
  }();
  if (!ready) *why = failure;
  return ready;
}

bool StandardWebhooksVerifies(const std::vector<VerifyItem>& items, std::string* output) {
  json::Writer w;
  w.StartArray();
  for (const VerifyItem& item : items) {
    w.StartObject();
    w.Field("secret", item.secret);
    w.Key("headers").StartObject();
    for (const char* h : {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
      w.Field(h, item.request.Header(h));
    }
    w.EndObject();
    w.Field("body", item.request.body);
    w.Field("expect_fail", item.expect_fail);
    w.EndObject();
  }
  w.EndArray();
  std::string input_file = TempPath("verify");
  std::ofstream(input_file) << w.Take();
  int rc = 0;
  *output = Capture("cd " + WebhooksDir() + " && node verify.js < " + input_file + " 2>&1", &rc);
  std::filesystem::remove(input_file);
  return rc == 0;
}

}  // namespace csms::test
