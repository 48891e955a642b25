#include "http/handlers/secret_body.h"

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

}  // namespace csms::http::handlers
