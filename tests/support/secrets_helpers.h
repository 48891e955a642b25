// Helpers shared by the secrets, triggers and durability integration tests: request bodies, the
// error-shape check, the --dev clock and scheduler, and reading the notification outbox.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <string>
#include <vector>

#include "json/writer.h"
#include "support/dev_server.h"
#include "support/http_client.h"

namespace csms::test {

inline constexpr int64_t kDayMs = 86'400'000;

inline std::string JsonString(const std::string& s) {
  json::Writer w;
  w.String(s);
  return w.Take();
}

inline std::string EventJson(const std::string& name, const std::vector<std::string>& types,
                             const std::string& state = "ENABLED") {
  std::string t;
  for (const auto& x : types) t += (t.empty() ? "" : ",") + JsonString(x);
  return R"({"name":")" + name + R"(","event_types":[)" + t + R"(],"state":")" + state +
         R"(","notification":{"target_type":"SMN","target_id":"urn:smn:cn-north-4:0123:topic","target_name":"topic"}})";
}

inline const std::vector<std::string>& AllEventTypes() {
  static const std::vector<std::string> all = {"SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED",
                                               "SECRET_VERSION_NEAR_EXPIRY", "SECRET_ROTATED",
                                               "SECRET_ROTATED_FAILED", "SECRET_DELETED"};
  return all;
}

// Checks a CSMS error answer: status, code in both shapes, a message naming `msg_part`.
inline void ExpectCsmsError(const HttpResult& r, int status, const std::string& code, const std::string& msg_part = "") {
  EXPECT_EQ(r.status, status) << r.body;
  ASSERT_TRUE(r.ok_json) << r.body;
  EXPECT_EQ(r.ErrorCode(), code) << r.body;
  ASSERT_TRUE(r.json.HasMember("error") && r.json["error"].IsObject()) << r.body;
  EXPECT_EQ(std::string(r.json["error"]["error_code"].GetString()), code) << r.body;
  if (!msg_part.empty()) {
    EXPECT_NE(std::string(r.json["error_msg"].GetString()).find(msg_part), std::string::npos)
        << "expected '" << msg_part << "' in " << r.body;
  }
  EXPECT_FALSE(r.Header("x-request-id").empty());
}

struct OutboxRow {
  std::string event_name, type, secret_name, status, content_text, record_id;
  int64_t create_time = 0;
  int64_t sequence = 0;
  rapidjson::Document content;
};

// The API calls of a project, through one client.
class SecretsApi {
 public:
  SecretsApi(HttpClient* client, std::string project) : client_(client), project_(std::move(project)) {}

  std::string Path(const std::string& rest) const { return "/v1/" + project_ + rest; }
  HttpResult Get(const std::string& rest) { return client_->Request("GET", Path(rest)); }
  HttpResult Post(const std::string& rest, const std::string& body) { return client_->Request("POST", Path(rest), body); }
  HttpResult Put(const std::string& rest, const std::string& body) { return client_->Request("PUT", Path(rest), body); }
  HttpResult Delete(const std::string& rest) { return client_->Request("DELETE", Path(rest)); }

  HttpResult CreateEvent(const std::string& name, const std::vector<std::string>& types,
                         const std::string& state = "ENABLED") {
    return Post("/csms/events", EventJson(name, types, state));
  }
  HttpResult CreateSecret(const std::string& name, const std::string& value, const std::string& event = "",
                          const std::string& extra = "") {
    std::string body = R"({"name":")" + name + R"(","secret_string":)" + JsonString(value);
    if (!event.empty()) body += R"(,"event_subscriptions":[")" + event + R"("])";
    body += extra + "}";
    return Post("/secrets", body);
  }
  HttpResult CreateVersion(const std::string& secret, const std::string& value, const std::string& extra = "") {
    return Post("/secrets/" + secret + "/versions", R"({"secret_string":)" + JsonString(value) + extra + "}");
  }

  // Every notification the triggers wrote (the outbox), newest first, optionally of one secret:
  // those still PENDING and those the dispatcher has already finished (SUCCESS / FAIL / INVALID),
  // so the tests hold whether or not delivery runs.
  std::vector<OutboxRow> Outbox(const std::string& secret = "") {
    std::vector<OutboxRow> out;
    for (const char* filter : {"notification_status=PENDING", ""}) {
      std::string marker;
      for (;;) {
        std::string q = std::string("/csms/notification-records?limit=1000&") + filter;
        if (!secret.empty()) q += "&secret_name=" + secret;
        if (!marker.empty()) q += "&marker=" + marker;
        auto r = Get(q);
        EXPECT_EQ(r.status, 200) << r.body;
        if (r.status != 200) return out;
        for (const auto& rec : r.json["records"].GetArray()) {
          OutboxRow row;
          row.event_name = rec["event_name"].GetString();
          row.type = rec["trigger_event_type"].GetString();
          row.secret_name = rec["secret_name"].GetString();
          row.status = rec["notification_status"].GetString();
          row.content_text = rec["notification_content"].GetString();
          row.record_id = rec["record_id"].GetString();
          row.create_time = rec["create_time"].GetInt64();
          row.content.Parse(row.content_text.c_str());
          row.sequence =
              row.content.IsObject() && row.content.HasMember("sequence") ? row.content["sequence"].GetInt64() : 0;
          out.push_back(std::move(row));
        }
        if (!r.json["page_info"].HasMember("next_marker")) break;
        marker = r.json["page_info"]["next_marker"].GetString();
      }
    }
    // A row finished between the two listings shows twice: keep one.
    std::sort(out.begin(), out.end(), [](const OutboxRow& a, const OutboxRow& b) { return a.record_id < b.record_id; });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const OutboxRow& a, const OutboxRow& b) { return a.record_id == b.record_id; }),
              out.end());
    // Rows written in the same millisecond list in id order; their per-secret sequence tells the
    // order they were written in.
    std::sort(out.begin(), out.end(), [](const OutboxRow& a, const OutboxRow& b) {
      return a.create_time != b.create_time ? a.create_time > b.create_time : a.sequence > b.sequence;
    });
    return out;
  }
  // Types in the order they were written (oldest first).
  std::vector<std::string> OutboxTypes(const std::string& secret = "") {
    std::vector<std::string> types;
    auto rows = Outbox(secret);
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) types.push_back(it->type);
    return types;
  }

  // --dev clock and scheduler.
  int64_t Now() {
    auto r = client_->Request("GET", "/csms-dev/clock");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json["now_ms"].GetInt64() : 0;
  }
  // Moves the server clock; with the --dev admin's credentials a fresh token follows, since tokens
  // expire after 24 h of server time.
  void Advance(int64_t ms) {
    auto r = client_->Request("POST", "/csms-dev/clock", R"({"advance_ms":)" + std::to_string(ms) + "}");
    EXPECT_EQ(r.status, 200) << r.body;
    if (refresh_dev_token_) client_->set_token(GetToken(*client_, "admin", "admin", "csms", project_));
  }
  void set_refresh_dev_token(bool on) { refresh_dev_token_ = on; }
  HttpResult Tick() {
    auto r = client_->Request("POST", "/csms-dev/scheduler/tick", "{}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r;
  }
  void AdvanceAndTick(int64_t ms) {
    Advance(ms);
    Tick();
  }

 private:
  HttpClient* client_;
  std::string project_;
  bool refresh_dev_token_ = true;
};

}  // namespace csms::test
