#include "http/handlers/secret_body.h"

#include <rapidjson/document.h>

#include "common/errors.h"
#include "domain/validation.h"

namespace csms::http::handlers {

Status ReadSubscriptions(const json::ObjectReader& body, std::optional<std::vector<std::string>>* out) {
  if (!body.Has("event_subscriptions")) return Status::OK();
  std::optional<std::vector<std::string>> v;
  CSMS_RETURN_IF_ERROR(body.OptionalStringArray("event_subscriptions", &v));
  *out = v.value_or(std::vector<std::string>{});
  return Status::OK();
}

Status ReadCreateSecretBody(const json::ObjectReader& body, CreateSecretCommand* cmd) {
  CSMS_RETURN_IF_ERROR(body.RequireString("name", &cmd->name));
  CSMS_RETURN_IF_ERROR(validation::CheckName("name", cmd->name));
  CSMS_RETURN_IF_ERROR(body.OptionalString("kms_key_id", &cmd->kms_key_id));
  CSMS_RETURN_IF_ERROR(body.OptionalString("description", &cmd->description));
  CSMS_RETURN_IF_ERROR(body.OptionalString("secret_string", &cmd->secret_string));
  CSMS_RETURN_IF_ERROR(body.OptionalString("secret_binary", &cmd->secret_binary));
  CSMS_RETURN_IF_ERROR(body.OptionalString("secret_type", &cmd->secret_type));
  CSMS_RETURN_IF_ERROR(body.OptionalBool("auto_rotation", &cmd->auto_rotation));
  CSMS_RETURN_IF_ERROR(body.OptionalString("rotation_period", &cmd->rotation_period));
  CSMS_RETURN_IF_ERROR(body.OptionalString("rotation_config", &cmd->rotation_config));
  CSMS_RETURN_IF_ERROR(body.OptionalString("enterprise_project_id", &cmd->enterprise_project_id));
  CSMS_RETURN_IF_ERROR(body.OptionalString("rotation_func_urn", &cmd->rotation_func_urn));
  std::optional<std::vector<std::string>> subs;
  CSMS_RETURN_IF_ERROR(ReadSubscriptions(body, &subs));
  cmd->event_subscriptions = subs.value_or(std::vector<std::string>{});
  return Status::OK();
}

Status ReadCreateSecretBody(std::string_view text, CreateSecretCommand* cmd) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  return ReadCreateSecretBody(json::ObjectReader(doc), cmd);
}

Status ReadUpdateSecretBody(std::string_view text, std::string_view secret_name, UpdateSecretCommand* cmd) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  if (body.Has("name") && !body.IsNull("name")) {
    std::string name;
    CSMS_RETURN_IF_ERROR(body.RequireString("name", &name));
    if (name != secret_name) return errors::InvalidParameter("invalid name: a secret cannot be renamed");
  }
  CSMS_RETURN_IF_ERROR(body.OptionalString("kms_key_id", &cmd->kms_key_id));
  CSMS_RETURN_IF_ERROR(body.OptionalString("description", &cmd->description));
  CSMS_RETURN_IF_ERROR(body.OptionalBool("auto_rotation", &cmd->auto_rotation));
  CSMS_RETURN_IF_ERROR(body.OptionalString("rotation_period", &cmd->rotation_period));
  CSMS_RETURN_IF_ERROR(body.OptionalString("rotation_func_urn", &cmd->rotation_func_urn));
  return ReadSubscriptions(body, &cmd->event_subscriptions);
}

Status ReadCreateVersionBody(std::string_view text, CreateVersionCommand* cmd) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  CSMS_RETURN_IF_ERROR(body.OptionalString("secret_string", &cmd->secret_string));
  CSMS_RETURN_IF_ERROR(body.OptionalString("secret_binary", &cmd->secret_binary));
  CSMS_RETURN_IF_ERROR(body.OptionalStringArray("version_stages", &cmd->version_stages));
  return body.OptionalInt64("expire_time", &cmd->expire_time);
}

Status ReadUpdateVersionBody(std::string_view text, int64_t* expire_time) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  return json::ObjectReader(doc).RequireInt64("expire_time", expire_time);
}

Status ReadUpdateStageBody(std::string_view text, std::string* version_id) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  return json::ObjectReader(doc).RequireString("version_id", version_id);
}

Status ReadScheduleDeletionBody(std::string_view text, int64_t* recovery_window_in_days) {
  *recovery_window_in_days = 30;  // the documented default when the body leaves it out
  if (text.empty()) return Status::OK();
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  std::optional<int64_t> v;
  CSMS_RETURN_IF_ERROR(json::ObjectReader(doc).OptionalInt64("recovery_window_in_days", &v));
  if (v) *recovery_window_in_days = *v;
  return Status::OK();
}

}  // namespace csms::http::handlers
