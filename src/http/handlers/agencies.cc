// Agencies and function templates (spec §1.9): /v1/csms/agencies and /v1/csms/function-templates.
// No project in the path: an agency belongs to the caller's domain, a template to no one.
#include <rapidjson/document.h>

#include "common/errors.h"
#include "http/handlers/handlers.h"
#include "json/reader.h"
#include "service/agency_service.h"
#include "service/function_templates.h"

namespace csms::http::handlers {
namespace {

Status RequireQuery(const QueryParams& q, std::string_view key, std::string* out) {
  auto v = q.Get(key);
  if (!v) return errors::InvalidParameter(std::string(key) + " is required");
  *out = std::string(*v);
  return Status::OK();
}

std::optional<std::string> OptionalQuery(const QueryParams& q, std::string_view key) {
  auto v = q.Get(key);
  if (!v) return std::nullopt;
  return std::string(*v);
}

Status NoAgencies() { return errors::Unavailable("the agency API is not available on this server"); }

Status ShowAgency(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.agencies) return NoAgencies();
  std::string secret_type;
  CSMS_RETURN_IF_ERROR(RequireQuery(ctx.query, "secret_type", &secret_type));
  bool granted = false;
  CSMS_RETURN_IF_ERROR(ctx.services.agencies->IsGranted(ctx.principal->domain_id, secret_type, &granted));
  json::Writer w;
  w.StartObject().Field("agency_granted", granted ? "true" : "false").EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status CreateAgency(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.agencies) return NoAgencies();
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  std::string secret_type;
  CSMS_RETURN_IF_ERROR(body.RequireString("secret_type", &secret_type));
  Agency agency;
  CSMS_RETURN_IF_ERROR(ctx.services.agencies->Create(ctx.principal->domain_id, secret_type, &agency));
  json::Writer w;
  w.StartObject().Key("agencies").StartArray().StartObject();
  w.Field("agency_name", agency.agency_name).Field("agency_id", agency.agency_id);
  w.EndObject().EndArray().EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status ShowFunctionTemplates(RequestContext& ctx, HttpResponse& res) {
  FunctionTemplateQuery q;
  q.secret_type = OptionalQuery(ctx.query, "secret_type");
  q.secret_sub_type = OptionalQuery(ctx.query, "secret_sub_type");
  q.engine = OptionalQuery(ctx.query, "engine");
  std::string text;
  CSMS_RETURN_IF_ERROR(RotationFunctionTemplate(q, &text));
  json::Writer w;
  w.StartObject().Field("function_templates", text).EndObject();
  res.body = w.Take();
  return Status::OK();
}

}  // namespace

void RegisterAgencyRoutes(Router<Route>& r) {
  r.Add("GET", "/v1/csms/agencies", {ShowAgency, Access::kAnyUser, "csms:agency:get"});
  r.Add("POST", "/v1/csms/agencies", {CreateAgency, Access::kAnyUser, "csms:agency:create"});
  r.Add("GET", "/v1/csms/function-templates", {ShowFunctionTemplates, Access::kAnyUser, "csms:functionTemplate:get"});
}

}  // namespace csms::http::handlers
