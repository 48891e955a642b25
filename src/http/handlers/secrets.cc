// Secrets API (spec §1.1–1.5): /v1/{project_id}/secrets[/{secret_name}[/versions|/stages|/rotate|
// /scheduled-deleted-tasks]] and the rotation tasks at /v1/{project_id}/csms/tasks.
#include <algorithm>

#include "common/errors.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "http/handlers/handlers.h"
#include "http/handlers/secret_body.h"
#include "json/reader.h"
#include "service/rotation_service.h"
#include "service/secret_service.h"

namespace csms::http::handlers {
namespace {

void WriteOptString(json::Writer& w, const char* key, const std::optional<std::string>& v) {
  if (v) w.Field(key, *v);
}
void WriteOptInt(json::Writer& w, const char* key, const std::optional<int64_t>& v) {
  if (v) w.Field(key, *v);
}

}  // namespace

void WriteSecret(json::Writer& w, const Secret& s) {
  w.StartObject();
  w.Field("id", s.id);
  w.Field("name", s.name);
  w.Field("state", SecretStateName(s.state));
  w.Field("kms_key_id", s.kms_key_id);
  WriteOptString(w, "description", s.description);
  w.Field("create_time", s.create_time);
  w.Field("update_time", s.update_time);
  w.Key("scheduled_delete_time");
  if (s.scheduled_delete_time)
    w.Int(*s.scheduled_delete_time);
  else
    w.Null();
  w.Field("secret_type", s.secret_type);
  w.Field("auto_rotation", s.auto_rotation);
  WriteOptString(w, "rotation_period", s.rotation_period);
  WriteOptString(w, "rotation_config", s.rotation_config);
  WriteOptInt(w, "rotation_time", s.rotation_time);
  WriteOptInt(w, "next_rotation_time", s.next_rotation_time);
  w.Key("event_subscriptions").StartArray();
  if (s.event_subscription) w.String(*s.event_subscription);
  w.EndArray();
  w.Field("enterprise_project_id", s.enterprise_project_id);
  WriteOptString(w, "rotation_func_urn", s.rotation_func_urn);
  w.EndObject();
}

namespace {

std::string SecretBody(const Secret& s) {
  json::Writer w;
  w.StartObject().Key("secret");
  WriteSecret(w, s);
  w.EndObject();
  return w.Take();
}

void WriteVersionMetadata(json::Writer& w, const VersionView& v) {
  w.StartObject();
  w.Field("id", v.version.id());
  w.Field("create_time", v.version.create_time);
  WriteOptInt(w, "expire_time", v.version.expire_time);
  w.Field("kms_key_id", v.version.kms_key_id);
  w.Field("secret_name", v.secret_name);
  w.Key("version_stages").StartArray();
  for (const auto& st : v.stages) w.String(st);
  w.EndArray();
  w.EndObject();
}

std::string VersionMetadataBody(const VersionView& v) {
  json::Writer w;
  w.StartObject().Key("version_metadata");
  WriteVersionMetadata(w, v);
  w.EndObject();
  return w.Take();
}

std::string StageBody(const StageView& s) {
  json::Writer w;
  w.StartObject().Key("stage").StartObject();
  w.Field("name", s.stage.name);
  w.Field("update_time", s.stage.update_time);
  w.Field("secret_name", s.secret_name);
  w.Field("version_id", "v" + std::to_string(s.stage.version_number));
  w.EndObject().EndObject();
  return w.Take();
}

const std::string& SecretName(RequestContext& ctx) { return ctx.params.Get("secret_name"); }

Status CreateSecret(RequestContext& ctx, HttpResponse& res) {
  CreateSecretCommand cmd;
  CSMS_RETURN_IF_ERROR(ReadCreateSecretBody(ctx.req.body, &cmd));
  Secret secret;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->Create(ctx.project_id(), cmd, &secret));
  res.body = SecretBody(secret);
  return Status::OK();
}

// CreateSecret's asynchronous form (Route::async): parsed here, committed by the store's writer.
void CreateSecretAsync(RequestContext& ctx, AsyncReply reply) {
  CreateSecretCommand cmd;
  Status s = ReadCreateSecretBody(ctx.req.body, &cmd);
  if (!s.ok()) return reply(std::move(s), HttpResponse{});
  ctx.services.secrets->CreateAsync(ctx.project_id(), std::move(cmd),
                                    [reply = std::move(reply)](Status result, const Secret& secret) {
                                      HttpResponse res;
                                      if (result.ok()) res.body = SecretBody(secret);
                                      reply(std::move(result), std::move(res));
                                    });
}

Status ListSecrets(RequestContext& ctx, HttpResponse& res) {
  int limit = 0;
  CSMS_RETURN_IF_ERROR(
      validation::ParseLimit(ctx.query.Get("limit"), limits::kDefaultPageSize, limits::kMaxPageSize, &limit));
  std::string marker(ctx.query.Get("marker").value_or(""));
  std::optional<std::string> event_name;
  if (auto e = ctx.query.Get("event_name")) event_name = std::string(*e);
  Page<Secret> page;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->List(ctx.project_id(), marker, event_name, limit, &page));
  json::Writer w;
  w.StartObject().Key("secrets").StartArray();
  for (const Secret& s : page.items) WriteSecret(w, s);
  w.EndArray();
  WritePageInfo(w, page.next_marker, page.previous_marker, page.items.size());
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status ShowSecret(RequestContext& ctx, HttpResponse& res) {
  Secret secret;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->Get(ctx.project_id(), SecretName(ctx), &secret));
  res.body = SecretBody(secret);
  return Status::OK();
}

Status UpdateSecret(RequestContext& ctx, HttpResponse& res) {
  UpdateSecretCommand cmd;
  CSMS_RETURN_IF_ERROR(ReadUpdateSecretBody(ctx.req.body, SecretName(ctx), &cmd));
  Secret secret;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->Update(ctx.project_id(), SecretName(ctx), cmd, &secret));
  res.body = SecretBody(secret);
  return Status::OK();
}

Status DeleteSecret(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->Delete(ctx.project_id(), SecretName(ctx)));
  res.status = 200;  // spec: 200 with an empty body
  return Status::OK();
}

Status CreateVersion(RequestContext& ctx, HttpResponse& res) {
  CreateVersionCommand cmd;
  CSMS_RETURN_IF_ERROR(ReadCreateVersionBody(ctx.req.body, &cmd));
  VersionView view;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->CreateVersion(ctx.project_id(), SecretName(ctx), cmd, &view));
  res.body = VersionMetadataBody(view);
  return Status::OK();
}

void CreateVersionAsync(RequestContext& ctx, AsyncReply reply) {
  CreateVersionCommand cmd;
  Status s = ReadCreateVersionBody(ctx.req.body, &cmd);
  if (!s.ok()) return reply(std::move(s), HttpResponse{});
  ctx.services.secrets->CreateVersionAsync(ctx.project_id(), SecretName(ctx), std::move(cmd),
                                           [reply = std::move(reply)](Status result, const VersionView& view) {
                                             HttpResponse res;
                                             if (result.ok()) res.body = VersionMetadataBody(view);
                                             reply(std::move(result), std::move(res));
                                           });
}

Status ListVersions(RequestContext& ctx, HttpResponse& res) {
  int limit = 0;
  CSMS_RETURN_IF_ERROR(
      validation::ParseLimit(ctx.query.Get("limit"), limits::kDefaultPageSize, limits::kMaxPageSize, &limit));
  std::string marker(ctx.query.Get("marker").value_or(""));
  Page<VersionView> page;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->ListVersions(ctx.project_id(), SecretName(ctx), marker, limit, &page));
  json::Writer w;
  w.StartObject().Key("version_metadatas").StartArray();
  for (const auto& v : page.items) WriteVersionMetadata(w, v);
  w.EndArray();
  WritePageInfo(w, page.next_marker, page.previous_marker, page.items.size());
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

std::string ShowVersionBody(const VersionView& view) {
  json::Writer w;
  w.StartObject().Key("version").StartObject();
  w.Key("version_metadata");
  WriteVersionMetadata(w, view);
  w.Field(view.version.kind == ValueKind::kBinary ? "secret_binary" : "secret_string", *view.value);
  w.EndObject().EndObject();
  return w.Take();
}

Status ShowVersion(RequestContext& ctx, HttpResponse& res) {
  VersionView view;
  CSMS_RETURN_IF_ERROR(
      ctx.services.secrets->GetVersion(ctx.project_id(), SecretName(ctx), ctx.params.Get("version_id"), &view));
  res.body = ShowVersionBody(view);
  return Status::OK();
}

// ShowVersion from memory, on the I/O thread (Route::cached): the version as this process read it
// a moment ago, unless a write of this process touched the secret since (service/secret_read_cache.h).
Status ShowVersionCached(RequestContext& ctx, HttpResponse& res, bool* served) {
  std::shared_ptr<const VersionView> view;
  *served =
      ctx.services.secrets->GetVersionCached(ctx.project_id(), SecretName(ctx), ctx.params.Get("version_id"), &view);
  if (*served) res.body = ShowVersionBody(*view);
  return Status::OK();
}

Status UpdateVersion(RequestContext& ctx, HttpResponse& res) {
  int64_t expire_time = 0;
  CSMS_RETURN_IF_ERROR(ReadUpdateVersionBody(ctx.req.body, &expire_time));
  VersionView view;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->UpdateVersion(ctx.project_id(), SecretName(ctx),
                                                           ctx.params.Get("version_id"), expire_time, &view));
  res.body = VersionMetadataBody(view);
  return Status::OK();
}

Status ShowStage(RequestContext& ctx, HttpResponse& res) {
  StageView view;
  CSMS_RETURN_IF_ERROR(
      ctx.services.secrets->GetStage(ctx.project_id(), SecretName(ctx), ctx.params.Get("stage_name"), &view));
  res.body = StageBody(view);
  return Status::OK();
}

Status UpdateStage(RequestContext& ctx, HttpResponse& res) {
  std::string version_id;
  CSMS_RETURN_IF_ERROR(ReadUpdateStageBody(ctx.req.body, &version_id));
  StageView view;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->UpdateStage(ctx.project_id(), SecretName(ctx),
                                                         ctx.params.Get("stage_name"), version_id, &view));
  res.body = StageBody(view);
  return Status::OK();
}

Status DeleteStage(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(
      ctx.services.secrets->DeleteStage(ctx.project_id(), SecretName(ctx), ctx.params.Get("stage_name")));
  res.status = 204;
  return Status::OK();
}

Status RotateSecret(RequestContext& ctx, HttpResponse& res) {
  RotateResult r;
  CSMS_RETURN_IF_ERROR(ctx.services.rotations->Rotate(ctx.project_id(), SecretName(ctx), &r));
  json::Writer w;
  w.StartObject();
  w.Field("rotation_task_id", r.task_id);
  if (r.version_id) w.Field("version_id", *r.version_id);
  w.Field("secret_name", r.secret_name);
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status ScheduleDeletion(RequestContext& ctx, HttpResponse& res) {
  int64_t days = 0;
  CSMS_RETURN_IF_ERROR(ReadScheduleDeletionBody(ctx.req.body, &days));
  Secret secret;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->ScheduleDeletion(ctx.project_id(), SecretName(ctx), days, &secret));
  res.body = SecretBody(secret);
  return Status::OK();
}

Status RestoreSecret(RequestContext& ctx, HttpResponse& res) {
  Secret secret;
  CSMS_RETURN_IF_ERROR(ctx.services.secrets->Restore(ctx.project_id(), SecretName(ctx), &secret));
  res.body = SecretBody(secret);
  return Status::OK();
}

Status ListTasks(RequestContext& ctx, HttpResponse& res) {
  TaskListRequest req;
  CSMS_RETURN_IF_ERROR(
      validation::ParseLimit(ctx.query.Get("limit"), limits::kDefaultPageSize, limits::kMaxPageSize, &req.limit));
  if (auto v = ctx.query.Get("secret_name")) req.secret_name = std::string(*v);
  if (auto v = ctx.query.Get("task_id")) req.task_id = std::string(*v);
  if (auto v = ctx.query.Get("marker")) req.marker = std::string(*v);
  if (auto v = ctx.query.Get("status")) {
    req.status = ParseTaskStatus(*v);
    if (!req.status) return errors::InvalidParameter("invalid status: must be SUCCESS, FAILED or RUNNING");
  }
  TaskListResult result;
  CSMS_RETURN_IF_ERROR(ctx.services.rotations->ListTasks(ctx.project_id(), req, &result));
  json::Writer w;
  w.StartObject();
  w.Field("total", result.total);
  w.Key("tasks").StartArray();
  for (const auto& t : result.tasks) {
    w.StartObject();
    w.Field("task_id", t.task_id);
    w.Field("secret_name", t.secret_name);
    w.Field("rotation_func_urn", t.rotation_func_urn);
    w.Field("task_status", TaskStatusName(t.status));
    w.Field("operate_type", t.operate_type);
    w.Field("task_time", t.task_time);
    w.Field("attempt_nums", static_cast<int64_t>(t.attempt_nums));
    w.Field("task_error_code", t.error_code);
    w.Field("task_error_msg", t.error_msg);
    if (t.version_id) w.Field("version_id", *t.version_id);
    w.EndObject();
  }
  w.EndArray();
  if (result.next_marker) w.Field("next_marker", *result.next_marker);
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

}  // namespace

void RegisterSecretRoutes(Router<Route>& r) {
  const char* secret = "/v1/{project_id}/secrets/{secret_name}";
  Route create{CreateSecret, Access::kProject, "csms:secret:create"};
  create.async = CreateSecretAsync;
  r.Add("POST", "/v1/{project_id}/secrets", create);
  r.Add("GET", "/v1/{project_id}/secrets", {ListSecrets, Access::kProject, "csms:secret:list"});
  r.Add("GET", secret, {ShowSecret, Access::kProject, "csms:secret:get"});
  r.Add("PUT", secret, {UpdateSecret, Access::kProject, "csms:secret:update"});
  r.Add("DELETE", secret, {DeleteSecret, Access::kProject, "csms:secret:delete"});
  Route create_version{CreateVersion, Access::kProject, "csms:secret:createVersion"};
  create_version.async = CreateVersionAsync;
  r.Add("POST", std::string(secret) + "/versions", create_version);
  r.Add("GET", std::string(secret) + "/versions", {ListVersions, Access::kProject, "csms:secret:listVersion"});
  r.Add("GET", std::string(secret) + "/versions/{version_id}",
        // A grant on the secret opens its values to a role that may not read them (grant_check.h).
        Route{.handler = ShowVersion,
              .access = Access::kProject,
              .action = "csms:secret:getVersion",
              .cached = ShowVersionCached,
              .grant_param = "secret_name"});
  r.Add("PUT", std::string(secret) + "/versions/{version_id}",
        {UpdateVersion, Access::kProject, "csms:secret:updateVersion"});
  r.Add("GET", std::string(secret) + "/stages/{stage_name}", {ShowStage, Access::kProject, "csms:secret:getStage"});
  r.Add("PUT", std::string(secret) + "/stages/{stage_name}",
        {UpdateStage, Access::kProject, "csms:secret:updateStage"});
  r.Add("DELETE", std::string(secret) + "/stages/{stage_name}",
        {DeleteStage, Access::kProject, "csms:secret:deleteStage"});
  r.Add("POST", std::string(secret) + "/rotate", {RotateSecret, Access::kProject, "csms:secret:rotate"});
  r.Add("POST", std::string(secret) + "/scheduled-deleted-tasks/create",
        {ScheduleDeletion, Access::kProject, "csms:secret:scheduleDeletion"});
  r.Add("POST", std::string(secret) + "/scheduled-deleted-tasks/cancel",
        {RestoreSecret, Access::kProject, "csms:secret:restoreSecret"});
  r.Add("GET", "/v1/{project_id}/csms/tasks", {ListTasks, Access::kProject, "csms:task:list"});
}

}  // namespace csms::http::handlers
