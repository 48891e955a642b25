#include "http/handlers/secret_tools_body.h"

#include <rapidjson/document.h>

#include "common/errors.h"
#include "http/handlers/secret_body.h"
#include "json/reader.h"

namespace csms::http::handlers {
namespace {

constexpr size_t kMaxExcludeCharacters = 4096;
constexpr size_t kMaxPolicyNameLength = 64;
constexpr size_t kMaxCheckTypeLength = 64;

Status OptionalFlag(const json::ObjectReader& body, const char* key, bool* out) {
  std::optional<bool> v;
  CSMS_RETURN_IF_ERROR(body.OptionalBool(key, &v));
  *out = v.value_or(false);
  return Status::OK();
}

}  // namespace

Status ReadImportBody(std::string_view text, std::vector<ImportItem>* items) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  auto it = doc.FindMember("secrets");
  if (it == doc.MemberEnd() || it->value.IsNull()) return errors::InvalidParameter("missing required field secrets");
  if (!it->value.IsArray()) return errors::InvalidParameter("invalid secrets: must be an array of secret objects");
  const auto& array = it->value.GetArray();
  if (array.Size() > kMaxImportItems) {
    return errors::InvalidParameter("invalid secrets: at most " + std::to_string(kMaxImportItems) +
                                    " secrets per import");
  }
  items->assign(array.Size(), ImportItem{});
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    const rapidjson::Value& v = array[i];
    ImportItem& item = (*items)[i];
    if (!v.IsObject()) {
      item.parse_error = errors::InvalidParameter("invalid secrets[" + std::to_string(i) + "]: must be an object");
      continue;
    }
    // The name first, so that an item with another bad field is still reported under its name.
    auto name = v.FindMember("name");
    if (name != v.MemberEnd() && name->value.IsString()) {
      item.name.assign(name->value.GetString(), name->value.GetStringLength());
    }
    item.parse_error = ReadCreateSecretBody(json::ObjectReader(v), &item.command);
  }
  return Status::OK();
}

Status ReadPasswordPolicyBody(std::string_view text, crypto::PasswordPolicy* policy) {
  if (text.empty()) return Status::OK();
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  std::optional<std::string> policy_name, exclude;
  CSMS_RETURN_IF_ERROR(body.OptionalString("password_policy_name", &policy_name));
  if (policy_name && policy_name->size() > kMaxPolicyNameLength) {
    return errors::InvalidParameter("invalid password_policy_name: must be at most 64 characters");
  }
  std::optional<int64_t> length;
  CSMS_RETURN_IF_ERROR(body.OptionalInt64("length", &length));
  if (length) {
    policy->length = *length < crypto::kMinPasswordLength || *length > crypto::kMaxPasswordLength
                         ? -1  // out of range: the service names the field
                         : static_cast<int>(*length);
  }
  CSMS_RETURN_IF_ERROR(body.OptionalString("exclude_characters", &exclude));
  if (exclude && exclude->size() > kMaxExcludeCharacters) {
    return errors::InvalidParameter("invalid exclude_characters: must be at most 4096 characters");
  }
  policy->exclude_characters = exclude.value_or("");
  CSMS_RETURN_IF_ERROR(OptionalFlag(body, "exclude_lowercase", &policy->exclude_lowercase));
  CSMS_RETURN_IF_ERROR(OptionalFlag(body, "exclude_uppercase", &policy->exclude_uppercase));
  CSMS_RETURN_IF_ERROR(OptionalFlag(body, "exclude_numbers", &policy->exclude_numbers));
  CSMS_RETURN_IF_ERROR(OptionalFlag(body, "exclude_punctuation", &policy->exclude_punctuation));
  CSMS_RETURN_IF_ERROR(OptionalFlag(body, "include_space", &policy->include_space));
  CSMS_RETURN_IF_ERROR(OptionalFlag(body, "require_each_included_type", &policy->require_each_included_type));
  return Status::OK();
}

Status ReadCheckSecretsBody(std::string_view text, std::string* type, std::string* value,
                            std::optional<std::vector<std::string>>* user_inputs) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  CSMS_RETURN_IF_ERROR(body.RequireString("type", type));
  if (type->empty() || type->size() > kMaxCheckTypeLength) {
    return errors::InvalidParameter("invalid type: must be 1 to 64 characters");
  }
  json::ObjectReader data(doc);
  CSMS_RETURN_IF_ERROR(body.RequireObject("data", &data));
  CSMS_RETURN_IF_ERROR(data.RequireString("secret_string", value));
  return data.OptionalStringArray("user_inputs", user_inputs);
}

Status ReadSecretsConfigBody(std::string_view text, std::optional<bool>* checking) {
  if (text.empty()) return Status::OK();
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  return json::ObjectReader(doc).OptionalBool("checking_secret_strength", checking);
}

}  // namespace csms::http::handlers
