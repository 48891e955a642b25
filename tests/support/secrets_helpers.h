// Helpers shared by the secrets, triggers and durability integration tests: request bodies, the
// error-shape check, the --dev clock and scheduler, and reading the notification outbox.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "support/dev_server.h"
#include "support/event_bodies.h"
#include "support/http_client.h"

namespace csms::test {

inline constexpr int64_t kDayMs = 86'400'000;

inline const std::vector<std::string>& AllEventTypes() {
  static const std::vector<std::string> all = {"SECRET_VERSION_CREATED",     "SECRET_VERSION_EXPIRED",
                                               "SECRET_VERSION_NEAR_EXPIRY", "SECRET_ROTATED",
                                               "SECRET_ROTATED_FAILED",      "SECRET_DELETED"};
  return all;
}

// The names of the first 100 secrets a GET of `list_path` (…/secrets?limit=100) answers.
inline std::set<std::string> ListedSecretNames(HttpClient& client, const std::string& list_path) {
  auto r = client.Request("GET", list_path);
  EXPECT_EQ(r.status, 200) << r.body;
  std::set<std::string> names;
  if (r.status == 200) {
    for (const auto& s : r.json["secrets"].GetArray()) names.insert(s["name"].GetString());
  }
  return names;
}

// Checks a CSMS error answer: status, code in both shapes, a message naming `msg_part`.
inline void ExpectCsmsError(const HttpResult& r, int status, const std::string& code,
                            const std::string& msg_part = "") {
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

// One notification record as GET /csms/notification-records lists it.
struct RecordView {
  std::string record_id, event_name, type, secret_name, status, content, target_id;
  int64_t create_time = 0;
};

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
  HttpResult Post(const std::string& rest, const std::string& body) {
    return client_->Request("POST", Path(rest), body);
  }
  HttpResult Put(const std::string& rest, const std::string& body) { return client_->Request("PUT", Path(rest), body); }
  HttpResult Delete(const std::string& rest) { return client_->Request("DELETE", Path(rest)); }

  HttpResult CreateEvent(const std::string& name, const std::vector<std::string>& types,
                         const std::string& state = "ENABLED") {
    return Post("/csms/events", EventBody(name, types, SmnTargetJson(), state));
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

  // Every record matching `query` ("" or e.g. "notification_status=PENDING&secret_name=s"), all
  // pages: the one reader of the record listing.
  std::vector<RecordView> Records(const std::string& query = "") {
    std::vector<RecordView> out;
    std::string marker;
    for (int page = 0; page < 1000; ++page) {
      std::string q = "/csms/notification-records?limit=1000";
      if (!query.empty()) q += "&" + query;
      if (!marker.empty()) q += "&marker=" + marker;
      auto r = Get(q);
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

  // Every notification the triggers wrote (the outbox), newest first, optionally of one secret:
  // those still PENDING and those the dispatcher has already finished (SUCCESS / FAIL / INVALID),
  // so the tests hold whether or not delivery runs.
  std::vector<OutboxRow> Outbox(const std::string& secret = "") {
    std::vector<OutboxRow> out;
    for (const char* filter : {"notification_status=PENDING", ""}) {
      std::string query = filter;
      if (!secret.empty()) query += std::string(query.empty() ? "" : "&") + "secret_name=" + secret;
      for (RecordView& rec : Records(query)) {
        OutboxRow row;
        row.event_name = std::move(rec.event_name);
        row.type = std::move(rec.type);
        row.secret_name = std::move(rec.secret_name);
        row.status = std::move(rec.status);
        row.content_text = std::move(rec.content);
        row.record_id = std::move(rec.record_id);
        row.create_time = rec.create_time;
        row.content.Parse(row.content_text.c_str());
        row.sequence =
            row.content.IsObject() && row.content.HasMember("sequence") ? row.content["sequence"].GetInt64() : 0;
        out.push_back(std::move(row));
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
    if (refresh_dev_token_) client_->set_token(GetToken(*client_, kDevUser, kDevPassword, kDevDomain, project_));
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
