// Tags API (spec §1.8): the tags of one secret, addressed by its id, at
// /v1/{project_id}/csms/{secret_id}/tags[/{key}|/action], the project's tags at
// /v1/{project_id}/csms/tags, and ListResourceInstances at
// /v1/{project_id}/csms/resource_instances/action.
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "common/errors.h"
#include "domain/tag.h"
#include "http/handlers/handlers.h"
#include "json/reader.h"
#include "service/tag_service.h"

namespace csms::http::handlers {
namespace {

const std::string& SecretId(RequestContext& ctx) { return ctx.params.Get("secret_id"); }

Status ReadTag(const json::ObjectReader& r, Tag* out) {
  CSMS_RETURN_IF_ERROR(r.RequireString("key", &out->key));
  std::optional<std::string> value;
  CSMS_RETURN_IF_ERROR(r.OptionalString("value", &value));
  out->value = value.value_or("");
  return Status::OK();
}

// The objects of the array `key` (required when `required`), each with its path for messages. An
// array longer than `max` is refused before anything is read of it.
Status ReadObjectArray(const rapidjson::Value& doc, const char* key, bool required, size_t max,
                       std::vector<json::ObjectReader>* out) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || it->value.IsNull()) {
    if (required) return errors::InvalidParameter(std::string("missing required field ") + key);
    return Status::OK();
  }
  if (!it->value.IsArray()) return errors::InvalidParameter(std::string("invalid ") + key + ": must be an array");
  if (it->value.Size() > max) {
    return errors::InvalidParameter(std::string("invalid ") + key + ": must hold at most " + std::to_string(max) +
                                    " items" + (required ? " (1 to " + std::to_string(max) + ")" : ""));
  }
  size_t i = 0;
  for (const auto& item : it->value.GetArray()) {
    std::string path = std::string(key) + "[" + std::to_string(i++) + "]";
    if (!item.IsObject()) return errors::InvalidParameter("invalid " + path + ": must be an object");
    out->emplace_back(item, path);
  }
  return Status::OK();
}

Status CheckSequence(const json::ObjectReader& body) {
  std::optional<std::string> sequence;
  CSMS_RETURN_IF_ERROR(body.OptionalString("sequence", &sequence));
  if (sequence && sequence->size() > tags::kMaxSequenceLength) {
    return errors::InvalidParameter("invalid sequence: must be at most 36 characters");
  }
  return Status::OK();
}

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
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc), tag_reader(doc);
  CSMS_RETURN_IF_ERROR(body.RequireObject("tag", &tag_reader));
  Tag tag;
  CSMS_RETURN_IF_ERROR(ReadTag(tag_reader, &tag));
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
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  std::string action_name;
  CSMS_RETURN_IF_ERROR(body.RequireString("action", &action_name));
  TagAction action;
  if (action_name == "create") {
    action = TagAction::kCreate;
  } else if (action_name == "delete") {
    action = TagAction::kDelete;
  } else {
    return errors::InvalidParameter("invalid action: must be create or delete");
  }
  CSMS_RETURN_IF_ERROR(CheckSequence(body));
  std::vector<json::ObjectReader> items;
  CSMS_RETURN_IF_ERROR(ReadObjectArray(doc, "tags", true, tags::kMaxBatch, &items));
  std::vector<Tag> tags(items.size());
  for (size_t i = 0; i < items.size(); ++i) CSMS_RETURN_IF_ERROR(ReadTag(items[i], &tags[i]));
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

// `limit` and `offset` are decimal strings (spec §1.8); absent means the default.
Status ReadNumberString(const json::ObjectReader& body, const char* key, int64_t min, int64_t max, int64_t fallback,
                        int64_t* out) {
  std::optional<std::string> text;
  CSMS_RETURN_IF_ERROR(body.OptionalString(key, &text));
  *out = fallback;
  if (!text) return Status::OK();
  std::string why = std::string("invalid ") + key + ": must be a decimal string from " + std::to_string(min) +
                    (max == INT64_MAX ? " up" : " to " + std::to_string(max));
  if (text->empty() || text->size() > 18) return errors::InvalidParameter(why);
  int64_t v = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') return errors::InvalidParameter(why);
    v = v * 10 + (c - '0');
  }
  if (v < min || v > max) return errors::InvalidParameter(why);
  *out = v;
  return Status::OK();
}

Status ListResourceInstances(RequestContext& ctx, HttpResponse& res) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  ResourceInstancesCommand cmd;
  std::string action;
  CSMS_RETURN_IF_ERROR(body.RequireString("action", &action));
  if (action != "filter" && action != "count")
    return errors::InvalidParameter("invalid action: must be filter or count");
  cmd.count_only = action == "count";
  int64_t limit = 0;
  CSMS_RETURN_IF_ERROR(
      ReadNumberString(body, "limit", 1, tags::kMaxResourceLimit, tags::kDefaultResourceLimit, &limit));
  cmd.limit = static_cast<int>(limit);
  CSMS_RETURN_IF_ERROR(ReadNumberString(body, "offset", 0, INT64_MAX, 0, &cmd.offset));
  CSMS_RETURN_IF_ERROR(CheckSequence(body));
  std::vector<json::ObjectReader> filters;
  CSMS_RETURN_IF_ERROR(ReadObjectArray(doc, "tags", false, tags::kMaxFilterTags, &filters));
  for (const auto& f : filters) {
    TagFilter& filter = cmd.tags.emplace_back();
    CSMS_RETURN_IF_ERROR(f.RequireString("key", &filter.key));
    std::optional<std::vector<std::string>> values;
    CSMS_RETURN_IF_ERROR(f.OptionalStringArray("values", &values));
    filter.values = values.value_or(std::vector<std::string>{});
  }
  std::vector<json::ObjectReader> matches;
  CSMS_RETURN_IF_ERROR(ReadObjectArray(doc, "matches", false, 1, &matches));
  for (size_t i = 0; i < matches.size(); ++i) {
    std::string key;
    CSMS_RETURN_IF_ERROR(matches[i].RequireString("key", &key));
    std::string path = "matches[" + std::to_string(i) + "]";
    if (key != "resource_name") return errors::InvalidParameter("invalid " + path + ".key: must be resource_name");
    if (cmd.name_contains) return errors::InvalidParameter("invalid " + path + ": resource_name is given twice");
    std::string value;
    CSMS_RETURN_IF_ERROR(matches[i].RequireString("value", &value));
    cmd.name_contains = std::move(value);
  }
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
