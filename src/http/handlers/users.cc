// Users API (spec §1.9): ListUsers and ShowUserDetail over the users of the caller's domain, and
// UpdateUserPassword for the caller's own password. UserDetail fields csms has no source for
// (org_id, name, mobile, email, grade, extension) are null; docs/api.md lists them.
#include <charconv>

#include "auth/attempt_limiter.h"
#include "auth/token_service.h"
#include "common/errors.h"
#include "http/attempt_guard.h"
#include "http/handlers/handlers.h"
#include "http/handlers/identity_body.h"
#include "json/reader.h"
#include "service/user_service.h"

namespace csms::http::handlers {
namespace {

// The fields of UserDetail, inside an object the caller opens.
void WriteUserFields(json::Writer& w, const UserDetail& d) {
  w.Field("user_id", d.user.id);
  w.Key("org_id").Null();
  w.Field("user_name", d.user.name);
  w.Key("name").Null();
  w.Key("mobile").Null();
  w.Key("email").Null();
  w.Field("pwd_must_modify", false);
  w.Field("pwd_change_at", d.password_changed_at);
  w.Field("created_at", d.create_time);
  w.Field("updated_at", d.update_time);
  w.Field("disabled", !d.user.enabled);
  w.Key("grade").Null();
  w.Field("locked", false);
  w.Key("extension").Null();
  w.Key("user_org_relation_list").StartArray().EndArray();
}

Status Available(RequestContext& ctx) {
  return ctx.services.users ? Status::OK() : errors::Unavailable("the users API is not available on this server");
}

// A required non-negative decimal query parameter (at most 18 digits).
Status RequireCount(RequestContext& ctx, const char* key, int64_t* out) {
  auto v = ctx.query.Get(key);
  if (!v || v->empty()) return errors::InvalidParameter(std::string("the query parameter ") + key + " is required");
  const std::string msg = std::string(key) + " must be a non-negative integer";
  if (v->size() > 18) return errors::InvalidParameter(msg);
  for (char c : *v)
    if (c < '0' || c > '9') return errors::InvalidParameter(msg);
  std::from_chars(v->data(), v->data() + v->size(), *out);
  return Status::OK();
}

Status ListUsers(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(Available(ctx));
  UserQuery q;
  q.domain_id = ctx.principal->domain_id;
  CSMS_RETURN_IF_ERROR(RequireCount(ctx, "offset", &q.offset));
  int64_t limit = 0;
  CSMS_RETURN_IF_ERROR(RequireCount(ctx, "limit", &limit));
  if (limit < UserService::kMinLimit || limit > UserService::kMaxLimit) {
    return errors::InvalidParameter("limit must be 10 to 100");
  }
  q.limit = static_cast<int>(limit);
  q.name_contains = std::string(ctx.query.Get("user_info").value_or(""));
  auto org_id = ctx.query.Get("org_id");
  if (org_id && org_id->size() > 64) return errors::InvalidParameter("org_id must have at most 64 characters");
  UserPage page;
  // csms has no organisations: no user belongs to one, so an org_id filter matches nobody.
  if (!org_id || org_id->empty()) CSMS_RETURN_IF_ERROR(ctx.services.users->List(q, &page));
  json::Writer w;
  w.StartObject();
  w.Field("total", page.total);
  w.Key("users").StartArray();
  for (const UserDetail& d : page.users) {
    w.StartObject();
    WriteUserFields(w, d);
    w.EndObject();
  }
  w.EndArray().EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status ShowUser(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(Available(ctx));
  UserDetail d;
  CSMS_RETURN_IF_ERROR(ctx.services.users->Get(ctx.principal->domain_id, ctx.params.Get("user_id"), &d));
  json::Writer w;
  w.StartObject();
  WriteUserFields(w, d);
  w.Field("domain_id", d.user.domain_id);
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status ChangePassword(RequestContext& ctx, HttpResponse& res) {
  std::string password, old_password;
  CSMS_RETURN_IF_ERROR(ReadChangePasswordBody(ctx.req.body, &password, &old_password));
  // The old password is checked like a login: under the same brute-force limits (the user's
  // bucket, the one its logins draw on).
  CSMS_RETURN_IF_ERROR(LimitedAttempt(ctx, UserAttemptSubject(ctx.principal->user_id), res, [&] {
    return ctx.services.tokens->ChangePassword(*ctx.principal, old_password, password);
  }));
  json::Writer w;
  w.StartObject().Field("user_id", ctx.principal->user_id).EndObject();
  res.body = w.Take();
  return Status::OK();
}

}  // namespace

void RegisterUserRoutes(Router<Route>& r) {
  r.Add("GET", "/v1/csms/users", {ListUsers, Access::kAnyUser, "iam:users:list"});
  r.Add("POST", "/v1/csms/users/change-password", {ChangePassword, Access::kAnyUser, "iam:users:changePassword"});
  r.Add("GET", "/v1/csms/users/{user_id}", {ShowUser, Access::kAnyUser, "iam:users:get"});
}

}  // namespace csms::http::handlers
