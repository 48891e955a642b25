#include "service/backup_blob.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <set>

#include "common/errors.h"
#include "crypto/encoding.h"
#include "domain/validation.h"
#include "json/reader.h"
#include "json/writer.h"

namespace csms {

std::string BackupBlobAad(std::string_view key_id, const std::string& project_id) {
  return "csms secret backup v1\n" + std::string(key_id) + "\n" + project_id;
}

Status InvalidBackupBlob() {
  return errors::InvalidParameter(
      "invalid secret_blob: not a backup made in this project with a master key of this server, or it was changed");
}

namespace {

void WriteOptString(json::Writer& w, const char* key, const std::optional<std::string>& v) {
  if (v) w.Field(key, *v);
}
void WriteOptInt(json::Writer& w, const char* key, const std::optional<int64_t>& v) {
  if (v) w.Field(key, *v);
}

}  // namespace

std::string WriteBackupDocument(const Secret& s, const std::vector<BackupVersion>& versions,
                                const std::vector<Stage>& stages, const std::vector<Tag>& tags) {
  json::Writer w;
  w.StartObject().Key("secret").StartObject();
  w.Field("id", s.id);
  w.Field("name", s.name);
  w.Field("kms_key_id", s.kms_key_id);
  WriteOptString(w, "description", s.description);
  w.Field("create_time", s.create_time);
  w.Field("update_time", s.update_time);
  w.Field("secret_type", s.secret_type);
  w.Field("auto_rotation", s.auto_rotation);
  WriteOptString(w, "rotation_period", s.rotation_period);
  WriteOptString(w, "rotation_config", s.rotation_config);
  WriteOptInt(w, "rotation_time", s.rotation_time);
  WriteOptInt(w, "next_rotation_time", s.next_rotation_time);
  WriteOptString(w, "event_subscription", s.event_subscription);
  w.Field("enterprise_project_id", s.enterprise_project_id);
  WriteOptString(w, "rotation_func_urn", s.rotation_func_urn);
  w.Field("last_version", s.last_version);
  w.Field("notification_sequence", s.notification_sequence);
  w.EndObject();
  w.Key("versions").StartArray();
  for (const BackupVersion& bv : versions) {
    const SecretVersion& v = bv.version;
    w.StartObject();
    w.Field("number", v.number);
    w.Field("create_time", v.create_time);
    WriteOptInt(w, "expire_time", v.expire_time);
    w.Field("kms_key_id", v.kms_key_id);
    w.Field("binary", v.kind == ValueKind::kBinary);
    w.Field("value", crypto::Base64Encode(bv.value));
    w.Field("next_lead", static_cast<int64_t>(v.expiry.next_lead));
    w.Field("expired_fired", v.expiry.expired_fired);
    WriteOptInt(w, "due_time", v.expiry.due_time);
    w.EndObject();
  }
  w.EndArray();
  w.Key("stages").StartArray();
  for (const Stage& st : stages) {
    w.StartObject();
    w.Field("name", st.name);
    w.Field("version", st.version_number);
    w.Field("update_time", st.update_time);
    w.EndObject();
  }
  w.EndArray();
  w.Key("tags").StartArray();
  for (const Tag& t : tags) {
    w.StartObject();
    w.Field("key", t.key);
    w.Field("value", t.value);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

namespace {

Status ReadBool(const json::ObjectReader& r, std::string_view key, bool* out) {
  std::optional<bool> v;
  CSMS_RETURN_IF_ERROR(r.OptionalBool(key, &v));
  *out = v.value_or(false);
  return Status::OK();
}

// The objects of the array `key` of `doc`.
Status Objects(const rapidjson::Value& doc, const char* key, std::vector<const rapidjson::Value*>* out) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsArray()) return InvalidBackupBlob();
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsObject()) return InvalidBackupBlob();
    out->push_back(&item);
  }
  return Status::OK();
}

}  // namespace

Status ParseBackupDocument(std::string_view text, const std::string& project_id, BackupDocument* out) {
  rapidjson::Document doc;
  if (!json::ParseObject(text, &doc).ok()) return InvalidBackupBlob();
  json::ObjectReader root(doc);
  json::ObjectReader sr(doc);
  if (!root.RequireObject("secret", &sr).ok()) return InvalidBackupBlob();
  Secret& s = out->secret;
  s.project_id = project_id;
  s.state = SecretState::kEnabled;
  std::set<int64_t> numbers;
  auto all = [&]() -> Status {
    CSMS_RETURN_IF_ERROR(sr.RequireString("id", &s.id));
    CSMS_RETURN_IF_ERROR(sr.RequireString("name", &s.name));
    CSMS_RETURN_IF_ERROR(sr.RequireString("kms_key_id", &s.kms_key_id));
    CSMS_RETURN_IF_ERROR(sr.OptionalString("description", &s.description));
    CSMS_RETURN_IF_ERROR(sr.RequireInt64("create_time", &s.create_time));
    CSMS_RETURN_IF_ERROR(sr.RequireInt64("update_time", &s.update_time));
    CSMS_RETURN_IF_ERROR(sr.RequireString("secret_type", &s.secret_type));
    CSMS_RETURN_IF_ERROR(ReadBool(sr, "auto_rotation", &s.auto_rotation));
    CSMS_RETURN_IF_ERROR(sr.OptionalString("rotation_period", &s.rotation_period));
    CSMS_RETURN_IF_ERROR(sr.OptionalString("rotation_config", &s.rotation_config));
    CSMS_RETURN_IF_ERROR(sr.OptionalInt64("rotation_time", &s.rotation_time));
    CSMS_RETURN_IF_ERROR(sr.OptionalInt64("next_rotation_time", &s.next_rotation_time));
    CSMS_RETURN_IF_ERROR(sr.OptionalString("event_subscription", &s.event_subscription));
    CSMS_RETURN_IF_ERROR(sr.RequireString("enterprise_project_id", &s.enterprise_project_id));
    CSMS_RETURN_IF_ERROR(sr.OptionalString("rotation_func_urn", &s.rotation_func_urn));
    CSMS_RETURN_IF_ERROR(sr.RequireInt64("last_version", &s.last_version));
    CSMS_RETURN_IF_ERROR(sr.RequireInt64("notification_sequence", &s.notification_sequence));

    std::vector<const rapidjson::Value*> items;
    CSMS_RETURN_IF_ERROR(Objects(doc, "versions", &items));
    for (const rapidjson::Value* item : items) {
      json::ObjectReader vr(*item);
      BackupVersion& bv = out->versions.emplace_back();
      SecretVersion& v = bv.version;
      v.secret_id = s.id;
      bool binary = false;
      std::string value;
      int64_t next_lead = 0;
      CSMS_RETURN_IF_ERROR(vr.RequireInt64("number", &v.number));
      CSMS_RETURN_IF_ERROR(vr.RequireInt64("create_time", &v.create_time));
      CSMS_RETURN_IF_ERROR(vr.OptionalInt64("expire_time", &v.expire_time));
      CSMS_RETURN_IF_ERROR(vr.RequireString("kms_key_id", &v.kms_key_id));
      CSMS_RETURN_IF_ERROR(ReadBool(vr, "binary", &binary));
      CSMS_RETURN_IF_ERROR(vr.RequireString("value", &value));
      CSMS_RETURN_IF_ERROR(vr.RequireInt64("next_lead", &next_lead));
      CSMS_RETURN_IF_ERROR(ReadBool(vr, "expired_fired", &v.expiry.expired_fired));
      CSMS_RETURN_IF_ERROR(vr.OptionalInt64("due_time", &v.expiry.due_time));
      v.kind = binary ? ValueKind::kBinary : ValueKind::kString;
      v.expiry.next_lead = static_cast<int>(next_lead);
      auto plain = crypto::Base64Decode(value);
      if (!plain || v.number < 1 || v.number > s.last_version || !numbers.insert(v.number).second) {
        return InvalidBackupBlob();
      }
      bv.value = std::move(*plain);
    }
    items.clear();
    CSMS_RETURN_IF_ERROR(Objects(doc, "stages", &items));
    for (const rapidjson::Value* item : items) {
      json::ObjectReader r(*item);
      Stage& stage = out->stages.emplace_back();
      stage.secret_id = s.id;
      CSMS_RETURN_IF_ERROR(r.RequireString("name", &stage.name));
      CSMS_RETURN_IF_ERROR(r.RequireInt64("version", &stage.version_number));
      CSMS_RETURN_IF_ERROR(r.RequireInt64("update_time", &stage.update_time));
      if (!numbers.count(stage.version_number)) return InvalidBackupBlob();
    }
    items.clear();
    CSMS_RETURN_IF_ERROR(Objects(doc, "tags", &items));
    for (const rapidjson::Value* item : items) {
      json::ObjectReader r(*item);
      Tag& tag = out->tags.emplace_back();
      CSMS_RETURN_IF_ERROR(r.RequireString("key", &tag.key));
      CSMS_RETURN_IF_ERROR(r.RequireString("value", &tag.value));
    }
    return Status::OK();
  };
  if (!all().ok() || !validation::IsValidName(s.name) || numbers.empty()) return InvalidBackupBlob();
  return Status::OK();
}

Status SplitBackupBlob(std::string_view blob, std::string_view* key_id, std::string* sealed) {
  std::string_view rest(blob);
  if (rest.substr(0, kBackupBlobPrefix.size()) != kBackupBlobPrefix) return InvalidBackupBlob();
  rest.remove_prefix(kBackupBlobPrefix.size());
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return InvalidBackupBlob();
  std::string_view encoded = rest.substr(dot + 1);
  auto decoded = crypto::Base64UrlDecode(encoded);
  if (!decoded || crypto::Base64UrlEncode(*decoded) != encoded) return InvalidBackupBlob();
  *key_id = rest.substr(0, dot);
  *sealed = std::move(*decoded);
  return Status::OK();
}

}  // namespace csms
