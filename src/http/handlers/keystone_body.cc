#include "http/handlers/keystone_body.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "common/errors.h"
#include "json/reader.h"

namespace csms::http::handlers {

Status ReadPasswordAuthBody(std::string_view text, PasswordAuthRequest* out) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc), auth(doc), identity(doc), password(doc), user(doc);
  CSMS_RETURN_IF_ERROR(body.RequireObject("auth", &auth));
  CSMS_RETURN_IF_ERROR(auth.RequireObject("identity", &identity));
  std::vector<std::string> methods;
  CSMS_RETURN_IF_ERROR(identity.RequireStringArray("methods", &methods));
  if (std::find(methods.begin(), methods.end(), "password") == methods.end()) {
    return errors::InvalidParameter("invalid auth.identity.methods: only the password method is supported");
  }
  CSMS_RETURN_IF_ERROR(identity.RequireObject("password", &password));
  CSMS_RETURN_IF_ERROR(password.RequireObject("user", &user));
  CSMS_RETURN_IF_ERROR(user.RequireString("name", &out->user_name));
  CSMS_RETURN_IF_ERROR(user.RequireString("password", &out->password));
  json::ObjectReader domain(doc);
  CSMS_RETURN_IF_ERROR(user.RequireObject("domain", &domain));
  CSMS_RETURN_IF_ERROR(domain.OptionalString("name", &out->user_domain_name));
  CSMS_RETURN_IF_ERROR(domain.OptionalString("id", &out->user_domain_id));
  if (!out->user_domain_name && !out->user_domain_id) {
    return errors::InvalidParameter("missing required field auth.identity.password.user.domain.name");
  }
  std::optional<json::ObjectReader> scope, project;
  CSMS_RETURN_IF_ERROR(auth.OptionalObject("scope", &scope));
  if (scope) CSMS_RETURN_IF_ERROR(scope->OptionalObject("project", &project));
  if (!project) {
    return errors::InvalidParameter("missing auth.scope.project: csms issues project-scoped tokens only");
  }
  CSMS_RETURN_IF_ERROR(project->OptionalString("id", &out->project_id));
  CSMS_RETURN_IF_ERROR(project->OptionalString("name", &out->project_name));
  if (!out->project_id && !out->project_name) {
    return errors::InvalidParameter("missing auth.scope.project.id or auth.scope.project.name");
  }
  return Status::OK();
}

}  // namespace csms::http::handlers
