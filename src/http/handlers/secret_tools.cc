// The secret tools of CSMS v1 (spec §1.1, §1.9): BatchImportSecrets, GenerateRandomPassword,
// CheckSecrets, ShowSecretsConfig and UpdateSecretsConfig.
#include <rapidjson/document.h>

#include <cmath>
#include <cstdint>

#include "common/errors.h"
#include "http/handlers/handlers.h"
#include "http/handlers/secret_body.h"
#include "json/reader.h"
#include "service/password_service.h"
#include "service/secret_checker_service.h"
#include "service/secret_import.h"

namespace csms::http::handlers {
namespace {

constexpr size_t kMaxExcludeCharacters = 4096;
constexpr size_t kMaxPolicyNameLength = 64;
constexpr size_t kMaxCheckTypeLength = 64;

Status BatchImportSecrets(RequestContext& ctx, HttpResponse& res) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  auto it = doc.FindMember("secrets");
  if (it == doc.MemberEnd() || it->value.IsNull()) return errors::InvalidParameter("missing required field secrets");
  if (!it->value.IsArray()) return errors::InvalidParameter("invalid secrets: must be an array of secret objects");
  const auto& array = it->value.GetArray();
  if (array.Size() > kMaxImportItems) {
    return errors::InvalidParameter("invalid secrets: at most " + std::to_string(kMaxImportItems) +
                                    " secrets per import");
  }
  std::vector<ImportItem> items(array.Size());
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    const rapidjson::Value& v = array[i];
    ImportItem& item = items[i];
    if (!v.IsObject()) {
      item.parse_error = errors::InvalidParameter("invalid secrets[" + std::to_string(i) + "]: must be an object");
      continue;
    }
    // The name first, so that an item with another bad field is still reported under its name.
    auto name = v.FindMember("name");
    if (name != v.MemberEnd() && name->value.IsString()) {
      item.name.assign(name->value.GetString(), name->value.GetStringLength());
    }
    item.parse_error = ReadCreateSecretBody(json::ObjectReader(v), &item.command);
  }
  ImportResult result;
  CSMS_RETURN_IF_ERROR(ctx.services.importer->Import(ctx.project_id(), items, &result));
  json::Writer w;
  w.StartObject().Key("error_list").StartArray();
  for (const auto& e : result.errors) {
    w.StartObject();
    w.Field("name", e.name);
    w.Field("error_msg", e.error_msg);
    w.EndObject();
  }
  w.EndArray();
  w.Field("total", static_cast<int64_t>(result.total));
  w.Field("success", static_cast<int64_t>(result.success));
  w.Field("failed", static_cast<int64_t>(result.failed));
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status OptionalFlag(const json::ObjectReader& body, const char* key, bool* out) {
  std::optional<bool> v;
  CSMS_RETURN_IF_ERROR(body.OptionalBool(key, &v));
  *out = v.value_or(false);
  return Status::OK();
}

// The body is optional: an empty one asks for the defaults (32 characters of every class but space).
Status GenerateRandomPassword(RequestContext& ctx, HttpResponse& res) {
  crypto::PasswordPolicy policy;
  if (!ctx.req.body.empty()) {
    rapidjson::Document doc;
    CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
    json::ObjectReader body(doc);
    std::optional<std::string> policy_name, exclude;
    CSMS_RETURN_IF_ERROR(body.OptionalString("password_policy_name", &policy_name));
    if (policy_name && policy_name->size() > kMaxPolicyNameLength) {
      return errors::InvalidParameter("invalid password_policy_name: must be at most 64 characters");
    }
    std::optional<int64_t> length;
    CSMS_RETURN_IF_ERROR(body.OptionalInt64("length", &length));
    if (length) {
      policy.length = *length < crypto::kMinPasswordLength || *length > crypto::kMaxPasswordLength
                          ? -1  // out of range: the service names the field
                          : static_cast<int>(*length);
    }
    CSMS_RETURN_IF_ERROR(body.OptionalString("exclude_characters", &exclude));
    if (exclude && exclude->size() > kMaxExcludeCharacters) {
      return errors::InvalidParameter("invalid exclude_characters: must be at most 4096 characters");
    }
    policy.exclude_characters = exclude.value_or("");
    CSMS_RETURN_IF_ERROR(OptionalFlag(body, "exclude_lowercase", &policy.exclude_lowercase));
    CSMS_RETURN_IF_ERROR(OptionalFlag(body, "exclude_uppercase", &policy.exclude_uppercase));
    CSMS_RETURN_IF_ERROR(OptionalFlag(body, "exclude_numbers", &policy.exclude_numbers));
    CSMS_RETURN_IF_ERROR(OptionalFlag(body, "exclude_punctuation", &policy.exclude_punctuation));
    CSMS_RETURN_IF_ERROR(OptionalFlag(body, "include_space", &policy.include_space));
    CSMS_RETURN_IF_ERROR(OptionalFlag(body, "require_each_included_type", &policy.require_each_included_type));
  }
  std::string password;
  CSMS_RETURN_IF_ERROR(GeneratePassword(policy, &password));
  json::Writer w;
  w.StartObject().Field("password", password).EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status CheckSecrets(RequestContext& ctx, HttpResponse& res) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  std::string type;
  CSMS_RETURN_IF_ERROR(body.RequireString("type", &type));
  if (type.empty() || type.size() > kMaxCheckTypeLength) {
    return errors::InvalidParameter("invalid type: must be 1 to 64 characters");
  }
  json::ObjectReader data(doc);
  CSMS_RETURN_IF_ERROR(body.RequireObject("data", &data));
  std::string value;
  CSMS_RETURN_IF_ERROR(data.RequireString("secret_string", &value));
  std::optional<std::vector<std::string>> user_inputs;
  CSMS_RETURN_IF_ERROR(data.OptionalStringArray("user_inputs", &user_inputs));
  StrengthEstimate e;
  CSMS_RETURN_IF_ERROR(ctx.services.checker->Check(value, user_inputs.value_or(std::vector<std::string>{}), &e));
  json::Writer w;
  w.StartObject();
  w.Field("type", type);
  w.Key("data").StartObject();
  w.Field("score", static_cast<int64_t>(e.score));
  w.Key("entropy_bits").Double(std::round(e.entropy_bits * 10) / 10);  // one decimal is all it means
  w.Field("weak", e.weak);
  w.Field("length", static_cast<int64_t>(e.length));
  w.Key("reasons").StartArray();
  for (const auto& r : e.reasons) w.String(r);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

std::string ConfigBody(const ProjectSettings& s) {
  json::Writer w;
  w.StartObject().Field("checking_secret_strength", s.checking_secret_strength).EndObject();
  return w.Take();
}

Status ShowSecretsConfig(RequestContext& ctx, HttpResponse& res) {
  ProjectSettings settings;
  CSMS_RETURN_IF_ERROR(ctx.services.checker->GetConfig(ctx.project_id(), &settings));
  res.body = ConfigBody(settings);
  return Status::OK();
}

// The body is optional (every field is): an empty body or {} changes nothing.
Status UpdateSecretsConfig(RequestContext& ctx, HttpResponse& res) {
  std::optional<bool> checking;
  if (!ctx.req.body.empty()) {
    rapidjson::Document doc;
    CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
    CSMS_RETURN_IF_ERROR(json::ObjectReader(doc).OptionalBool("checking_secret_strength", &checking));
  }
  ProjectSettings settings;
  CSMS_RETURN_IF_ERROR(ctx.services.checker->UpdateConfig(ctx.project_id(), checking, &settings));
  res.body = ConfigBody(settings);
  return Status::OK();
}

}  // namespace

void RegisterSecretToolRoutes(Router<Route>& r) {
  r.Add("POST", "/v1/{project_id}/secrets/batch-import",
        {BatchImportSecrets, Access::kProject, "csms:secret:batchImport"});
  r.Add("POST", "/v1/{project_id}/csms/generate-password",
        {GenerateRandomPassword, Access::kProject, "csms:password:generate"});
  r.Add("POST", "/v1/{project_id}/secrets/checker/check", {CheckSecrets, Access::kProject, "csms:secret:check"});
  r.Add("GET", "/v1/{project_id}/secrets/checker/config",
        {ShowSecretsConfig, Access::kProject, "csms:secretsConfig:get"});
  r.Add("POST", "/v1/{project_id}/secrets/checker/config",
        {UpdateSecretsConfig, Access::kProject, "csms:secretsConfig:update"});
}

}  // namespace csms::http::handlers
