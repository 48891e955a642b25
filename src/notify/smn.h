// SMN target: a notification is published to an SMN-compatible topic with
//   POST {endpoint}/v2/{project_id}/notifications/topics/{topic_urn}/publish
//   {"subject": ..., "message": <notification_content>}
// signed with SDK-HMAC-SHA256 (signing §3, docs/auth.md) by the AK/SK configured on the server.
#pragma once

#include <cstdint>
#include <string>

#include "net/async_http_client.h"

namespace csms::notify {

struct SmnConfig {
  std::string endpoint;    // e.g. https://smn.cn-north-4.myhuaweicloud.com; "" = no SMN (records end INVALID)
  std::string access_key;  // AK/SK that sign the publish calls
  std::string secret_key;
  std::string project_id;  // "" = the project of the topic URN, else the record's project
};

// The project a topic belongs to: `config.project_id` when set, else the {project_id} field of
// `urn:smn:{region}:{project_id}:{topic}`, else `record_project_id`.
std::string SmnProjectId(const SmnConfig& config, const std::string& record_project_id, const std::string& topic_urn);

// The signed publish request. `sdk_date` is X-Sdk-Date (auth::FormatSdkDate of now).
net::OutgoingRequest BuildSmnPublish(const SmnConfig& config, const std::string& project_id,
                                     const std::string& topic_urn, const std::string& subject,
                                     const std::string& message, const std::string& sdk_date);

}  // namespace csms::notify
