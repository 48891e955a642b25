#include "http/handlers/identity_body.h"

#include <rapidjson/document.h>

#include "common/errors.h"
#include "domain/grant.h"
#include "json/reader.h"

namespace csms::http::handlers {
namespace {

// validity_time: an integer (ms since the epoch) or a string (digits, or "YYYY-MM-DD HH:MM:SS" UTC).
Status ReadValidityTime(const rapidjson::Document& doc, std::optional<int64_t>* out) {
  auto it = doc.FindMember("validity_time");
  if (it == doc.MemberEnd() || it->value.IsNull()) return Status::OK();
  const rapidjson::Value& v = it->value;
  if (v.IsInt64()) {
    *out = v.GetInt64();
    return Status::OK();
  }
  if (!v.IsString()) return errors::InvalidParameter("validity_time must be an integer (ms) or a time string");
  int64_t ms = 0;
  CSMS_RETURN_IF_ERROR(
      grants::ParseValidityText("validity_time", std::string_view(v.GetString(), v.GetStringLength()), &ms));
  *out = ms;
  return Status::OK();
}

}  // namespace

Status ReadGrantBody(std::string_view text, GrantCommand* cmd) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  CSMS_RETURN_IF_ERROR(body.RequireString("resource_id", &cmd->resource_id));
  CSMS_RETURN_IF_ERROR(body.RequireString("type", &cmd->type));
  CSMS_RETURN_IF_ERROR(body.RequireString("grantee_type", &cmd->grantee_type));
  CSMS_RETURN_IF_ERROR(body.RequireString("grantee_target_id", &cmd->grantee_target_id));
  return ReadValidityTime(doc, &cmd->validity_time);
}

Status ReadChangePasswordBody(std::string_view text, std::string* password, std::string* old_password) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  CSMS_RETURN_IF_ERROR(body.RequireString("password", password));
  return body.RequireString("old_password", old_password);
}

}  // namespace csms::http::handlers
