#include "notify/smn.h"

#include "auth/signature.h"
#include "json/writer.h"
#include "net/http_call.h"

namespace csms::notify {

std::string SmnProjectId(const SmnConfig& config, const std::string& record_project_id, const std::string& topic_urn) {
  if (!config.project_id.empty()) return config.project_id;
  // urn:smn:{region}:{project_id}:{topic_name}
  size_t p1 = topic_urn.find(':');
  size_t p2 = p1 == std::string::npos ? p1 : topic_urn.find(':', p1 + 1);
  size_t p3 = p2 == std::string::npos ? p2 : topic_urn.find(':', p2 + 1);
  size_t p4 = p3 == std::string::npos ? p3 : topic_urn.find(':', p3 + 1);
  if (topic_urn.rfind("urn:smn:", 0) == 0 && p4 != std::string::npos && p4 > p3 + 1) {
    return topic_urn.substr(p3 + 1, p4 - p3 - 1);
  }
  return record_project_id;
}

net::OutgoingRequest BuildSmnPublish(const SmnConfig& config, const std::string& project_id,
                                     const std::string& topic_urn, const std::string& subject,
                                     const std::string& message, const std::string& sdk_date) {
  net::OutgoingRequest req;
  req.method = "POST";
  req.guarded = false;  // the operator's own endpoint (--smn-endpoint), not a project's choice
  std::string base = config.endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  // The URN's characters ([a-zA-Z0-9-._:]) are all legal in a path segment as they are.
  req.url = base + "/v2/" + project_id + "/notifications/topics/" + topic_urn + "/publish";
  json::Writer w;
  w.StartObject().Field("subject", subject).Field("message", message).EndObject();
  req.body = w.Take();

  net::Url url;
  net::ParseUrl(req.url, &url);
  bool default_port = url.port == (url.tls ? "443" : "80");
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (!default_port) host += ":" + url.port;
  std::vector<std::pair<std::string, std::string>> signed_headers = {
      {"content-type", "application/json"},
      {"host", host},
      {"x-project-id", project_id},
      {"x-sdk-date", sdk_date},
  };
  std::string authorization =
      auth::SignRequest(config.access_key, config.secret_key, "POST", url.target, signed_headers, req.body, sdk_date);
  req.headers = {{"Host", host},
                 {"Content-Type", "application/json"},
                 {"X-Project-Id", project_id},
                 {"X-Sdk-Date", sdk_date},
                 {"Authorization", authorization}};
  return req;
}

}  // namespace csms::notify
