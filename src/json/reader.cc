#include "json/reader.h"

#include <rapidjson/error/en.h>

#include "common/errors.h"

namespace csms::json {
namespace {

Status WrongType(const std::string& path, const char* expected) {
  return errors::InvalidParameter("invalid " + path + ": must be " + expected);
}

Status Missing(const std::string& path) { return errors::InvalidParameter("missing required field " + path); }

}  // namespace

Status ParseObject(std::string_view body, rapidjson::Document* doc) {
  if (body.empty()) return errors::MalformedBody("request body is empty; a JSON object is required");
  doc->Parse<rapidjson::kParseFullPrecisionFlag>(body.data(), body.size());
  if (doc->HasParseError()) {
    return errors::MalformedBody(std::string("request body is not valid JSON: ") +
                                 rapidjson::GetParseError_En(doc->GetParseError()) + " at offset " +
                                 std::to_string(doc->GetErrorOffset()));
  }
  if (!doc->IsObject()) return errors::MalformedBody("request body must be a JSON object");
  return Status::OK();
}

std::string ObjectReader::Path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

const rapidjson::Value* ObjectReader::Find(std::string_view key) const {
  auto it = object_->FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
  return it == object_->MemberEnd() ? nullptr : &it->value;
}

bool ObjectReader::Has(std::string_view key) const { return Find(key) != nullptr; }

bool ObjectReader::IsNull(std::string_view key) const {
  const rapidjson::Value* v = Find(key);
  return v && v->IsNull();
}

Status ObjectReader::RequireString(std::string_view key, std::string* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Missing(Path(key));
  if (!v->IsString()) return WrongType(Path(key), "a string");
  out->assign(v->GetString(), v->GetStringLength());
  return Status::OK();
}

Status ObjectReader::RequireObject(std::string_view key, ObjectReader* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Missing(Path(key));
  if (!v->IsObject()) return WrongType(Path(key), "an object");
  *out = ObjectReader(*v, Path(key));
  return Status::OK();
}

Status ObjectReader::RequireStringArray(std::string_view key, std::vector<std::string>* out) const {
  std::optional<std::vector<std::string>> v;
  CSMS_RETURN_IF_ERROR(OptionalStringArray(key, &v));
  if (!v) return Missing(Path(key));
  *out = std::move(*v);
  return Status::OK();
}

Status ObjectReader::RequireInt64(std::string_view key, int64_t* out) const {
  std::optional<int64_t> v;
  CSMS_RETURN_IF_ERROR(OptionalInt64(key, &v));
  if (!v) return Missing(Path(key));
  *out = *v;
  return Status::OK();
}

Status ObjectReader::OptionalString(std::string_view key, std::optional<std::string>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsString()) return WrongType(Path(key), "a string");
  out->emplace(v->GetString(), v->GetStringLength());
  return Status::OK();
}

Status ObjectReader::OptionalBool(std::string_view key, std::optional<bool>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsBool()) return WrongType(Path(key), "a boolean");
  *out = v->GetBool();
  return Status::OK();
}

Status ObjectReader::OptionalInt64(std::string_view key, std::optional<int64_t>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsInt64()) return WrongType(Path(key), "an integer");
  *out = v->GetInt64();
  return Status::OK();
}

Status ObjectReader::OptionalStringArray(std::string_view key, std::optional<std::vector<std::string>>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsArray()) return WrongType(Path(key), "an array of strings");
  std::vector<std::string> items;
  items.reserve(v->Size());
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) return WrongType(Path(key), "an array of strings");
    items.emplace_back(item.GetString(), item.GetStringLength());
  }
  *out = std::move(items);
  return Status::OK();
}

Status ObjectReader::OptionalObject(std::string_view key, std::optional<ObjectReader>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsObject()) return WrongType(Path(key), "an object");
  out->emplace(*v, Path(key));
  return Status::OK();
}

}  // namespace csms::json
