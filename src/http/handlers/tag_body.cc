#include "http/handlers/tag_body.h"

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "common/errors.h"
#include "json/reader.h"

namespace csms::http::handlers {
namespace {

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

}  // namespace

Status ReadCreateTagBody(std::string_view text, Tag* tag) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc), tag_reader(doc);
  CSMS_RETURN_IF_ERROR(body.RequireObject("tag", &tag_reader));
  return ReadTag(tag_reader, tag);
}

Status ReadBatchTagsBody(std::string_view text, TagAction* action, std::vector<Tag>* tags) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  std::string action_name;
  CSMS_RETURN_IF_ERROR(body.RequireString("action", &action_name));
  if (action_name == "create") {
    *action = TagAction::kCreate;
  } else if (action_name == "delete") {
    *action = TagAction::kDelete;
  } else {
    return errors::InvalidParameter("invalid action: must be create or delete");
  }
  CSMS_RETURN_IF_ERROR(CheckSequence(body));
  std::vector<json::ObjectReader> items;
  CSMS_RETURN_IF_ERROR(ReadObjectArray(doc, "tags", true, tags::kMaxBatch, &items));
  tags->assign(items.size(), Tag{});
  for (size_t i = 0; i < items.size(); ++i) CSMS_RETURN_IF_ERROR(ReadTag(items[i], &(*tags)[i]));
  return Status::OK();
}

Status ReadResourceInstancesBody(std::string_view text, ResourceInstancesCommand* cmd) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  std::string action;
  CSMS_RETURN_IF_ERROR(body.RequireString("action", &action));
  if (action != "filter" && action != "count")
    return errors::InvalidParameter("invalid action: must be filter or count");
  cmd->count_only = action == "count";
  int64_t limit = 0;
  CSMS_RETURN_IF_ERROR(
      ReadNumberString(body, "limit", 1, tags::kMaxResourceLimit, tags::kDefaultResourceLimit, &limit));
  cmd->limit = static_cast<int>(limit);
  CSMS_RETURN_IF_ERROR(ReadNumberString(body, "offset", 0, INT64_MAX, 0, &cmd->offset));
  CSMS_RETURN_IF_ERROR(CheckSequence(body));
  std::vector<json::ObjectReader> filters;
  CSMS_RETURN_IF_ERROR(ReadObjectArray(doc, "tags", false, tags::kMaxFilterTags, &filters));
  for (const auto& f : filters) {
    TagFilter& filter = cmd->tags.emplace_back();
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
    if (cmd->name_contains) return errors::InvalidParameter("invalid " + path + ": resource_name is given twice");
    std::string value;
    CSMS_RETURN_IF_ERROR(matches[i].RequireString("value", &value));
    cmd->name_contains = std::move(value);
  }
  return Status::OK();
}

}  // namespace csms::http::handlers
