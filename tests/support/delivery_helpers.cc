#include "support/delivery_helpers.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "json/writer.h"

namespace csms::test {
namespace {

std::string TypesJson(const std::vector<std::string>& types) {
  std::string t;
  for (const auto& x : types) t += (t.empty() ? "" : ",") + JsonString(x);
  return "[" + t + "]";
}

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

std::string WebhookEventJson(const std::string& name, const std::vector<std::string>& types, const std::string& url) {
  return R"({"name":")" + name + R"(","event_types":)" + TypesJson(types) +
         R"(,"state":"ENABLED","notification":{"target_type":"WEBHOOK","target_id":)" + JsonString(url) +
         R"(,"target_name":"hook"}})";
}

std::string SmnEventJson(const std::string& name, const std::vector<std::string>& types, const std::string& topic_urn) {
  return R"({"name":")" + name + R"(","event_types":)" + TypesJson(types) +
         R"(,"state":"ENABLED","notification":{"target_type":"SMN","target_id":)" + JsonString(topic_urn) +
         R"(,"target_name":"topic"}})";
}

std::string CreateWebhookEvent(SecretsApi& api, const std::string& name, const std::vector<std::string>& types,
                               const std::string& url) {
  auto r = api.Post("/csms/events", WebhookEventJson(name, types, url));
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200 || !r.json["event"]["notification"].HasMember("signing_secret")) return "";
  return r.json["event"]["notification"]["signing_secret"].GetString();
}

std::vector<RecordView> ListAllRecords(SecretsApi& api, const std::string& query) {
  std::vector<RecordView> out;
  std::string marker;
  for (int page = 0; page < 1000; ++page) {
    std::string q = "/csms/notification-records?limit=1000";
    if (!query.empty()) q += "&" + query;
    if (!marker.empty()) q += "&marker=" + marker;
    auto r = api.Get(q);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    for (const auto& rec : r.json["records"].GetArray()) {
      RecordView v;
      v.record_id = rec["record_id"].GetString();
      v.event_name = rec["event_name"].GetString();
      v.type = rec["trigger_event_type"].GetString();
      v.secret_name = rec["secret_name"].GetString();
      v.status = rec["notification_status"].GetString();
      v.content = rec["notification_content"].GetString();
      v.target_id = rec["notification_target_id"].GetString();
      v.create_time = rec["create_time"].GetInt64();
      out.push_back(std::move(v));
    }
    if (!r.json["page_info"].HasMember("next_marker")) break;
    marker = r.json["page_info"]["next_marker"].GetString();
  }
  return out;
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

HttpResult RecordDetail(SecretsApi& api, const std::string& record_id) {
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
    expected = Capture("openssl dgst -sha256 -mac HMAC -macopt hexkey:" + hex + " -binary " + payload_file +
                           " | openssl base64 -A",
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

bool StandardWebhooksAvailable() {
  static const bool available = [] {
    int rc = 0;
    Capture("node --version >/dev/null 2>&1 && npm --version >/dev/null 2>&1", &rc);
    if (rc != 0) return false;
    const std::string dir = WebhooksDir();
    // Installed on first use from package-lock.json, like tests/sdk; several test processes
    // (ctest -j) may get here at once, hence the lock.
    Capture("cd " + dir + " && flock /tmp/csms-webhooks-npm.lock sh -c "
            "'test -f node_modules/standardwebhooks/package.json || npm ci --no-audit --no-fund' >/dev/null 2>&1",
            &rc);
    return std::filesystem::exists(dir + "/node_modules/standardwebhooks/package.json");
  }();
  return available;
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
