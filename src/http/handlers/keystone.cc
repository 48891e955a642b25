// The Keystone-v3 surface the SDKs and curl users need: POST /v3/auth/tokens (password method,
// project scope), DELETE /v3/auth/tokens (revocation) and GET /v3/projects (the SDKs' project-id
// lookup).
#include "auth/token_service.h"
#include "common/errors.h"
#include "common/time_format.h"
#include "http/attempt_guard.h"
#include "http/audit_trail.h"
#include "http/handlers/handlers.h"
#include "http/handlers/keystone_body.h"
#include "service/identity_service.h"

namespace csms::http::handlers {
namespace {

void WriteDomain(json::Writer& w, const Domain& d) {
  w.Key("domain").StartObject().Field("id", d.id).Field("name", d.name).EndObject();
}

Status IssueToken(RequestContext& ctx, HttpResponse& res) {
  PasswordAuthRequest request;
  CSMS_RETURN_IF_ERROR(ReadPasswordAuthBody(ctx.req.body, &request));
  // The user as named (domain by id when given, else by name), for the audit line.
  std::string domain = request.user_domain_id ? *request.user_domain_id : *request.user_domain_name;
  if (ctx.audit) ctx.audit->Login(request.user_name, domain);
  IssuedToken t;
  // Limited per user and address before the password hash (http/attempt_guard.h); a known user's
  // bucket is its id's, shared by every spelling of its domain and by its password changes.
  std::string subject = ctx.services.limiter ? ctx.services.tokens->LoginAttemptSubject(request) : std::string();
  CSMS_RETURN_IF_ERROR(LimitedAttempt(ctx, subject, res, [&] { return ctx.services.tokens->Issue(request, &t); }));
  if (ctx.audit) {
    ctx.audit->Authenticated(Principal{t.user.id, t.user.name, t.domain.id, t.project.id, t.user.role, ""});
  }
  json::Writer w;
  w.StartObject().Key("token").StartObject();
  w.Field("expires_at", FormatIso8601Micros(t.expires_at));
  w.Field("issued_at", FormatIso8601Micros(t.issued_at));
  w.Key("methods").StartArray().String("password").EndArray();
  w.Key("user").StartObject().Field("id", t.user.id).Field("name", t.user.name);
  WriteDomain(w, t.domain);
  w.Field("password_expires_at", "").EndObject();
  w.Key("project").StartObject().Field("id", t.project.id).Field("name", t.project.name);
  WriteDomain(w, t.domain);
  w.EndObject();
  w.Key("roles").StartArray().StartObject().Field("id", "0").Field("name", t.user.role).EndObject().EndArray();
  if (!ctx.query.Get("nocatalog")) w.Key("catalog").StartArray().EndArray();
  w.EndObject().EndObject();
  res.status = 201;
  res.body = w.Take();
  res.headers.emplace_back("X-Subject-Token", std::move(t.token));
  return Status::OK();
}

// Keystone's token revocation: X-Auth-Token (or an AK/SK signature) authenticates the caller,
// X-Subject-Token names the token to revoke. 204 with no body.
Status RevokeToken(RequestContext& ctx, HttpResponse& res) {
  auto subject = ctx.req.header("x-subject-token");
  if (!subject || subject->empty()) return errors::InvalidParameter("X-Subject-Token is missing");
  CSMS_RETURN_IF_ERROR(ctx.services.tokens->Revoke(*ctx.principal, *subject));
  res.status = 204;
  res.body.clear();
  return Status::OK();
}

// The SDKs resolve a region name to a project id with GET /v3/projects?name=<region>; we answer
// with the caller's own domain's projects, filtered by name.
Status ListProjects(RequestContext& ctx, HttpResponse& res) {
  std::vector<Project> projects;
  CSMS_RETURN_IF_ERROR(ctx.services.identity->ListProjectsOfDomain(ctx.principal->domain_id, &projects));
  auto name = ctx.query.Get("name");
  json::Writer w;
  w.StartObject().Key("projects").StartArray();
  for (const Project& p : projects) {
    if (name && p.name != *name) continue;
    w.StartObject()
        .Field("id", p.id)
        .Field("name", p.name)
        .Field("domain_id", p.domain_id)
        .Field("enabled", true)
        .Field("is_domain", false)
        .Field("parent_id", p.domain_id)
        .Field("description", "")
        .EndObject();
  }
  w.EndArray();
  w.Key("links").StartObject().Key("self").Null().Key("previous").Null().Key("next").Null().EndObject();
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

}  // namespace

void RegisterKeystoneRoutes(Router<Route>& r) {
  // Public (it is the login), named for the audit log.
  r.Add("POST", "/v3/auth/tokens", {IssueToken, Access::kPublic, "iam:tokens:create"});
  r.Add("DELETE", "/v3/auth/tokens", {RevokeToken, Access::kAnyUser, "iam:tokens:revoke"});
  r.Add("GET", "/v3/projects", {ListProjects, Access::kAnyUser, "iam:projects:list"});
}

}  // namespace csms::http::handlers
