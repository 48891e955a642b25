// Tags API (spec §1.8): the tags of one secret, addressed by its id, at
// /v1/{project_id}/csms/{secret_id}/tags[/{key}|/action], the project's tags at
// /v1/{project_id}/csms/tags, and ListResourceInstances at
// /v1/{project_id}/csms/resource_instances/action.
#include <string>
#include <vector>

#include "common/errors.h"
#include "domain/tag.h"
#include "http/handlers/handlers.h"
#include "http/handlers/tag_body.h"
#include "service/tag_service.h"

namespace csms::http::handlers {
namespace {

const std::string& SecretId(RequestContext& ctx) { return ctx.params.Get("secret_id"); }

void WriteTags(json::Writer& w, const std::vector<Tag>& tags) {
  w.StartArray();
  for (const Tag& t : tags) {
    w.StartObject();
    w.Field("key", t.key);
    w.Field("value", t.value);
    w.EndObject();
  }
  w.EndArray();
}

Status CreateSecretTag(RequestContext& ctx, HttpResponse& res) {
  Tag tag;
  CSMS_RETURN_IF_ERROR(ReadCreateTagBody(ctx.req.body, &tag));
  CSMS_RETURN_IF_ERROR(ctx.services.tags->Create(ctx.project_id(), SecretId(ctx), tag));
  res.status = 204;
  return Status::OK();
}

Status DeleteSecretTag(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(ctx.services.tags->Delete(ctx.project_id(), SecretId(ctx), ctx.params.Get("key")));
  res.status = 204;
  return Status::OK();
}

Status BatchCreateOrDeleteTags(RequestContext& ctx, HttpResponse& res) {
  TagAction action;
  std::vector<Tag> tags;
  CSMS_RETURN_IF_ERROR(ReadBatchTagsBody(ctx.req.body, &action, &tags));
  CSMS_RETURN_IF_ERROR(ctx.services.tags->Batch(ctx.project_id(), SecretId(ctx), action, tags));
  res.status = 204;
  return Status::OK();
}

Status ListSecretTags(RequestContext& ctx, HttpResponse& res) {
  std::vector<Tag> tags;
  CSMS_RETURN_IF_ERROR(ctx.services.tags->List(ctx.project_id(), SecretId(ctx), &tags));
  json::Writer w;
  w.StartObject().Key("tags");
  WriteTags(w, tags);
  w.Key("sys_tags").StartArray().EndArray();
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status ListProjectSecretsTags(RequestContext& ctx, HttpResponse& res) {
  std::vector<ProjectTagKey> keys;
  CSMS_RETURN_IF_ERROR(ctx.services.tags->ListProject(ctx.project_id(), &keys));
  json::Writer w;
  w.StartObject().Key("tags").StartArray();
  for (const ProjectTagKey& k : keys) {
    w.StartObject();
    w.Field("key", k.key);
    w.Key("values").StartArray();
    for (const std::string& v : k.values) w.String(v);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray().EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status ListResourceInstances(RequestContext& ctx, HttpResponse& res) {
  ResourceInstancesCommand cmd;
  CSMS_RETURN_IF_ERROR(ReadResourceInstancesBody(ctx.req.body, &cmd));
  ResourceInstancesResult result;
  CSMS_RETURN_IF_ERROR(ctx.services.tags->ListResources(ctx.project_id(), cmd, &result));
  json::Writer w;
  w.StartObject().Key("resources").StartArray();
  for (const ResourceInstance& r : result.resources) {
    w.StartObject();
    w.Field("resource_id", r.secret.id);
    w.Field("resource_name", r.secret.name);
    w.Key("resource_detail");
    WriteSecret(w, r.secret);
    w.Key("tags");
    WriteTags(w, r.tags);
    w.Key("sys_tags").StartArray().EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Field("total_count", result.total_count);
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

}  // namespace

void RegisterTagRoutes(Router<Route>& r) {
  const char* tags = "/v1/{project_id}/csms/{secret_id}/tags";
  r.Add("POST", tags, {CreateSecretTag, Access::kProject, "csms:tag:create"});
  r.Add("GET", tags, {ListSecretTags, Access::kProject, "csms:tag:list"});
  r.Add("DELETE", std::string(tags) + "/{key}", {DeleteSecretTag, Access::kProject, "csms:tag:delete"});
  r.Add("POST", std::string(tags) + "/action", {BatchCreateOrDeleteTags, Access::kProject, "csms:tag:batch"});
  r.Add("GET", "/v1/{project_id}/csms/tags", {ListProjectSecretsTags, Access::kProject, "csms:tag:list"});
  r.Add("POST", "/v1/{project_id}/csms/resource_instances/action",
        {ListResourceInstances, Access::kProject, "csms:tag:listResources"});
}

}  // namespace csms::http::handlers
