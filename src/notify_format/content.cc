#include "notify_format/content.h"

#include "common/time_format.h"
#include "json/writer.h"

namespace csms::notify_format {

std::string RenderContent(const std::string& event_name, EventType type, int64_t event_time, const Secret& secret,
                          const TriggerDetails& d, int64_t sequence, const std::string& notification_id) {
  json::Writer w;
  w.StartObject();
  w.Field("eventName", event_name);
  w.Field("eventType", EventTypeName(type));
  w.Field("eventTime", FormatIso8601Millis(event_time));
  w.Key("data").StartObject();
  w.Field("secretId", secret.id);
  w.Field("secretName", secret.name);
  w.Field("secretType", secret.secret_type);
  w.Field("createTime", FormatIso8601Millis(secret.create_time));
  w.Field("updateTime", FormatIso8601Millis(secret.update_time));
  if (d.version_id) w.Field("versionId", *d.version_id);
  if (d.version_create_time) w.Field("versionCreateTime", FormatIso8601Millis(*d.version_create_time));
  if (d.version_expire_time) w.Field("versionExpireTime", FormatIso8601Millis(*d.version_expire_time));
  if (d.near_expiry_lead_ms) w.Field("nearExpiryLeadSeconds", *d.near_expiry_lead_ms / 1000);
  if (d.task_id) w.Field("taskId", *d.task_id);
  if (d.error_code) w.Field("errorCode", *d.error_code);
  if (d.error_msg) w.Field("errorMsg", *d.error_msg);
  if (d.deletion_type) w.Field("deletionType", *d.deletion_type);
  w.EndObject();
  w.Field("sequence", sequence);
  w.Field("notificationId", notification_id);
  w.EndObject();
  return w.Take();
}

std::string RenderTestContent(const std::string& event_name, int64_t event_time, const std::string& notification_id) {
  json::Writer w;
  w.StartObject();
  w.Field("eventName", event_name);
  w.Field("eventType", "TEST");
  w.Field("eventTime", FormatIso8601Millis(event_time));
  w.Key("data").StartObject().Field("message", "a test notification from csms").EndObject();
  w.Field("notificationId", notification_id);
  w.EndObject();
  return w.Take();
}

}  // namespace csms::notify_format
