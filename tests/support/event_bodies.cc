#include "support/event_bodies.h"

#include "json/writer.h"

namespace csms::test {

std::string JsonString(const std::string& s) {
  json::Writer w;
  w.String(s);
  return w.Take();
}

std::string TypesJson(const std::vector<std::string>& types) {
  std::string t;
  for (const auto& x : types) t += (t.empty() ? "" : ",") + JsonString(x);
  return "[" + t + "]";
}

std::string SmnTargetJson(const std::string& topic_urn, const std::string& name) {
  return R"({"target_type":"SMN","target_id":)" + JsonString(topic_urn) + R"(,"target_name":)" + JsonString(name) + "}";
}

std::string WebhookTargetJson(const std::string& url, const std::string& name) {
  return R"({"target_type":"WEBHOOK","target_id":)" + JsonString(url) + R"(,"target_name":)" + JsonString(name) + "}";
}

std::string RawEventBody(const std::string& name, const std::string& types_json, const std::string& state,
                         const std::string& notification_json) {
  return R"({"name":)" + JsonString(name) + R"(,"event_types":)" + types_json + R"(,"state":)" + JsonString(state) +
         R"(,"notification":)" + notification_json + "}";
}

}  // namespace csms::test
