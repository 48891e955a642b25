// The secret tools of CSMS v1 (spec §1.1, §1.9): BatchImportSecrets, GenerateRandomPassword,
// CheckSecrets, ShowSecretsConfig and UpdateSecretsConfig.
#include <rapidjson/document.h>

#include <cmath>
#include <cstdint>

#include "common/errors.h"
#include "http/handlers/handlers.h"
#include "http/handlers/secret_tools_body.h"
#include "json/reader.h"
#include "service/password_service.h"
#include "service/secret_checker_service.h"
#include "service/secret_import.h"

namespace csms::http::handlers {
namespace {

Status BatchImportSecrets(RequestContext& ctx, HttpResponse& res) {
  std::vector<ImportItem> items;
  CSMS_RETURN_IF_ERROR(ReadImportBody(ctx.req.body, &items));
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

// The body is optional: an empty one asks for the defaults (32 characters of every class but space).
Status GenerateRandomPassword(RequestContext& ctx, HttpResponse& res) {
  crypto::PasswordPolicy policy;
  CSMS_RETURN_IF_ERROR(ReadPasswordPolicyBody(ctx.req.body, &policy));
  std::string password;
  CSMS_RETURN_IF_ERROR(GeneratePassword(policy, &password));
  json::Writer w;
  w.StartObject().Field("password", password).EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status CheckSecrets(RequestContext& ctx, HttpResponse& res) {
  std::string type, value;
  std::optional<std::vector<std::string>> user_inputs;
  CSMS_RETURN_IF_ERROR(ReadCheckSecretsBody(ctx.req.body, &type, &value, &user_inputs));
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
  CSMS_RETURN_IF_ERROR(ReadSecretsConfigBody(ctx.req.body, &checking));
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
