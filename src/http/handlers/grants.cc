// Grants API (spec §1.9): /v1/{project_id}/csms/grants — share one secret (by id) with a user or
// a group of the caller's domain. GrantData uses camelCase keys and times in ms (docs/api.md).
#include "common/errors.h"
#include "domain/grant.h"
#include "http/handlers/handlers.h"
#include "http/handlers/identity_body.h"
#include "service/grant_service.h"

namespace csms::http::handlers {
namespace {

// The state of GrantData: 0 valid, 1 expired (kept until updated or deleted).
int GrantState(const Grant& g, int64_t now) { return g.valid_at(now) ? 0 : 1; }

std::string GrantDataBody(const Grant& g, int64_t now) {
  json::Writer w;
  w.StartObject().Key("data").StartObject();
  w.Field("uuid", g.id);
  w.Field("resourceId", g.secret_id);
  w.Field("type", "SECRET");
  w.Field("granteeUser", g.grantee_id);
  w.Field("granteeType", GranteeTypeName(g.grantee_type));
  w.Field("createTime", g.create_time);
  w.Field("updateTime", g.update_time);
  w.Field("validityTime", g.validity_time);
  w.Field("state", GrantState(g, now));
  w.Key("signature").Null();
  w.EndObject().EndObject();
  return w.Take();
}

// Every handler starts here: no grant service (an API built without one) is a 503, not a crash.
GrantService* Grants(RequestContext& ctx) { return ctx.services.grants; }
Status Available(RequestContext& ctx) {
  return Grants(ctx) ? Status::OK() : errors::Unavailable("the grants API is not available on this server");
}

GrantScope Scope(RequestContext& ctx) { return GrantScope{ctx.project_id(), ctx.principal->domain_id}; }

Status RequireQuery(RequestContext& ctx, const char* key, std::string* out) {
  auto v = ctx.query.Get(key);
  if (!v || v->empty()) return errors::InvalidParameter(std::string("the query parameter ") + key + " is required");
  *out = std::string(*v);
  return Status::OK();
}

Status CreateGrant(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(Available(ctx));
  GrantCommand cmd;
  CSMS_RETURN_IF_ERROR(ReadGrantBody(ctx.req.body, &cmd));
  Grant grant;
  CSMS_RETURN_IF_ERROR(ctx.services.grants->Create(Scope(ctx), cmd, &grant));
  res.body = GrantDataBody(grant, ctx.services.clock->NowMillis());
  return Status::OK();
}

Status UpdateGrant(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(Available(ctx));
  std::string resource_id;
  CSMS_RETURN_IF_ERROR(RequireQuery(ctx, "resource_id", &resource_id));
  GrantCommand cmd;
  CSMS_RETURN_IF_ERROR(ReadGrantBody(ctx.req.body, &cmd));
  Grant grant;
  CSMS_RETURN_IF_ERROR(ctx.services.grants->Update(Scope(ctx), resource_id, cmd, &grant));
  res.body = GrantDataBody(grant, ctx.services.clock->NowMillis());
  return Status::OK();
}

Status ListGrants(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(Available(ctx));
  std::string resource_id;
  CSMS_RETURN_IF_ERROR(RequireQuery(ctx, "resource_id", &resource_id));
  GrantList list;
  CSMS_RETURN_IF_ERROR(ctx.services.grants->List(Scope(ctx), resource_id, &list));
  int64_t now = ctx.services.clock->NowMillis();
  std::optional<int64_t> first_created, last_updated;
  json::Writer w;
  w.StartObject().Key("data").StartObject();
  w.Field("id", list.secret.id);
  w.Field("name", list.secret.name);
  w.Field("type", "SECRET");
  w.Key("grantee_user").StartArray();
  for (const GrantView& v : list.grants) {
    const Grant& g = v.grant;
    w.StartObject();
    w.Field("user_id", g.grantee_id);
    w.Field("user_name", v.grantee_name);
    w.Field("grantee_type", GranteeTypeName(g.grantee_type));
    w.Field("create_time", g.create_time);
    w.Field("validity_time", g.validity_time);
    w.Field("state", GrantState(g, now));
    w.EndObject();
    if (!first_created || g.create_time < *first_created) first_created = g.create_time;
    if (!last_updated || g.update_time > *last_updated) last_updated = g.update_time;
  }
  w.EndArray();
  w.Field("create_time", first_created);
  w.Field("update_time", last_updated);
  w.EndObject().EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status DeleteGrant(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(Available(ctx));
  std::string resource_id;
  CSMS_RETURN_IF_ERROR(RequireQuery(ctx, "resource_id", &resource_id));
  std::optional<std::string> grantee;
  if (auto g = ctx.query.Get("grantee_user")) grantee = std::string(*g);
  CSMS_RETURN_IF_ERROR(ctx.services.grants->Delete(Scope(ctx), resource_id, grantee));
  res.status = 204;
  return Status::OK();
}

}  // namespace

void RegisterGrantRoutes(Router<Route>& r) {
  constexpr const char* grants = "/v1/{project_id}/csms/grants";
  r.Add("POST", grants, {CreateGrant, Access::kProject, "csms:grant:create"});
  r.Add("GET", grants, {ListGrants, Access::kProject, "csms:grant:list"});
  r.Add("PUT", grants, {UpdateGrant, Access::kProject, "csms:grant:update"});
  r.Add("DELETE", grants, {DeleteGrant, Access::kProject, "csms:grant:delete"});
}

}  // namespace csms::http::handlers
