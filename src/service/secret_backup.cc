#include "service/secret_backup.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <set>

#include "common/errors.h"
#include "crypto/encoding.h"
#include "domain/validation.h"
#include "json/reader.h"
#include "json/writer.h"
#include "service/tag_service.h"

namespace csms {
namespace {

constexpr std::string_view kBlobPrefix = "CSMSBackupV1.";

// Binds a blob to its format, its master key and the project it was made in.
std::string BlobAad(std::string_view key_id, const std::string& project_id) {
  return "csms secret backup v1\n" + std::string(key_id) + "\n" + project_id;
}

Status InvalidBlob() {
  return errors::InvalidParameter(
      "invalid secret_blob: not a backup made in this project with a master key of this server, or it was changed");
}

struct BackupVersion {
  SecretVersion version;  // without sealed bytes
  std::string value;      // plaintext
};

// ---- the sealed document ------------------------------------------------------------------------

void WriteOptString(json::Writer& w, const char* key, const std::optional<std::string>& v) {
  if (v) w.Field(key, *v);
}
void WriteOptInt(json::Writer& w, const char* key, const std::optional<int64_t>& v) {
  if (v) w.Field(key, *v);
}

std::string Document(const Secret& s, const std::vector<BackupVersion>& versions, const std::vector<Stage>& stages,
                     const std::vector<Tag>& tags) {
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

struct Restored {
  Secret secret;
  std::vector<BackupVersion> versions;
  std::vector<Stage> stages;
  std::vector<Tag> tags;
};

Status ReadBool(const json::ObjectReader& r, std::string_view key, bool* out) {
  std::optional<bool> v;
  CSMS_RETURN_IF_ERROR(r.OptionalBool(key, &v));
  *out = v.value_or(false);
  return Status::OK();
}

// The objects of the array `key` of `doc`.
Status Objects(const rapidjson::Value& doc, const char* key, std::vector<const rapidjson::Value*>* out) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsArray()) return InvalidBlob();
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsObject()) return InvalidBlob();
    out->push_back(&item);
  }
  return Status::OK();
}

// Reads the sealed document. It was authenticated, so it is ours; the checks only keep a bug or
// a blob of a future format from storing a broken secret.
Status ParseDocument(std::string_view text, const std::string& project_id, Restored* out) {
  rapidjson::Document doc;
  if (!json::ParseObject(text, &doc).ok()) return InvalidBlob();
  json::ObjectReader root(doc);
  json::ObjectReader sr(doc);
  if (!root.RequireObject("secret", &sr).ok()) return InvalidBlob();
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
        return InvalidBlob();
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
      if (!numbers.count(stage.version_number)) return InvalidBlob();
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
  if (!all().ok() || !validation::IsValidName(s.name) || numbers.empty()) return InvalidBlob();
  return Status::OK();
}

}  // namespace

Status SecretBackup::Download(const std::string& project_id, const std::string& name, std::string* blob) {
  Secret secret;
  std::vector<SecretVersion> sealed;
  std::vector<Stage> stages;
  std::vector<Tag> tags;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    std::vector<SecretVersion> metas;
    CSMS_RETURN_IF_ERROR(tx.secrets().ListVersions(secret.id, 0, INT32_MAX, &metas));
    for (const SecretVersion& m : metas) {
      CSMS_RETURN_IF_ERROR(tx.secrets().GetVersion(secret.id, m.number, true, &sealed.emplace_back()));
    }
    CSMS_RETURN_IF_ERROR(tx.secrets().ListStages(secret.id, &stages));
    return tx.tags().List(secret.id, &tags);
  }));
  std::vector<BackupVersion> versions;
  for (SecretVersion& v : sealed) {
    BackupVersion& bv = versions.emplace_back();
    CSMS_RETURN_IF_ERROR(vault_->Open(secret, v, &bv.value));
    v.wrapped_key.clear();
    v.ciphertext.clear();
    bv.version = std::move(v);
  }
  const crypto::MasterKey* key = vault_->ResolveKey(secret.kms_key_id);
  if (!key) {
    return errors::KmsKeyUnusable("the KMS key " + secret.kms_key_id + " of secret " + secret.name +
                                  " is not configured on this server");
  }
  std::string sealed_doc = key->keyring.Seal(Document(secret, versions, stages, tags), BlobAad(key->id, project_id));
  if (sealed_doc.empty()) return errors::Internal("sealing the backup of secret " + secret.name + " failed");
  *blob = std::string(kBlobPrefix) + key->id + "." + crypto::Base64UrlEncode(sealed_doc);
  if (blob->size() > kMaxSecretBlobBytes) {
    size_t size = blob->size();
    blob->clear();
    return errors::BackupTooLarge("the backup of secret " + secret.name + " would be " + std::to_string(size) +
                                  " bytes; a backup blob is at most 5 MiB (5242880 bytes)");
  }
  return Status::OK();
}

Status SecretBackup::Upload(const std::string& project_id, const std::string& blob, Secret* out) {
  if (blob.size() > kMaxSecretBlobBytes) {
    return errors::InvalidParameter("invalid secret_blob: must be at most 5 MiB (5242880 bytes)");
  }
  // CSMSBackupV1.<key id>.<Base64url>; the encoding must be the canonical one, so every changed
  // character of the blob is refused, not only those that change the decoded bytes.
  std::string_view rest(blob);
  if (rest.substr(0, kBlobPrefix.size()) != kBlobPrefix) return InvalidBlob();
  rest.remove_prefix(kBlobPrefix.size());
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return InvalidBlob();
  std::string_view key_id = rest.substr(0, dot);
  std::string_view encoded = rest.substr(dot + 1);
  auto sealed = crypto::Base64UrlDecode(encoded);
  if (!sealed || crypto::Base64UrlEncode(*sealed) != encoded) return InvalidBlob();
  const crypto::MasterKey* key = nullptr;
  for (const auto& k : vault_->keys().keys()) {
    if (k.id == key_id) key = &k;
  }
  if (!key) {
    return errors::InvalidParameter(
        "invalid secret_blob: it was sealed with a master key this server does not hold (key id " +
        std::string(key_id.substr(0, 64)) + ")");
  }
  std::string text;
  if (!key->keyring.Open(*sealed, BlobAad(key->id, project_id), &text).ok()) return InvalidBlob();
  Restored r;
  CSMS_RETURN_IF_ERROR(ParseDocument(text, project_id, &r));
  if (!vault_->ResolveKey(r.secret.kms_key_id)) {
    return errors::KmsKeyUnusable("the KMS key " + r.secret.kms_key_id + " of the backed-up secret " + r.secret.name +
                                  " is not configured on this server");
  }
  // Values are sealed again under fresh data keys of the key that sealed each version.
  for (BackupVersion& bv : r.versions) {
    CSMS_RETURN_IF_ERROR(vault_->SealRestoredVersion(r.secret, bv.value, &bv.version));
  }
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret existing;
    Status s = tx.secrets().Get(project_id, r.secret.name, &existing);
    if (s.ok()) return errors::SecretNameExists("a secret named " + r.secret.name + " already exists");
    if (!s.IsNotFound()) return s;
    s = tx.secrets().GetById(r.secret.id, &existing);
    if (s.ok()) return errors::SecretNameExists("a secret with the id " + r.secret.id + " already exists");
    if (!s.IsNotFound()) return s;
    int64_t count = 0;
    CSMS_RETURN_IF_ERROR(tx.secrets().Count(project_id, &count));
    if (count >= options_.secret_quota) {
      return errors::SecretQuotaReached("the project already has the maximum of " +
                                        std::to_string(options_.secret_quota) + " secrets");
    }
    // A subscription survives only if the project has that event (no secret subscribes to an
    // event that does not exist).
    if (r.secret.event_subscription) {
      Event event;
      Status e = tx.events().Get(project_id, *r.secret.event_subscription, &event);
      if (e.IsNotFound()) {
        r.secret.event_subscription.reset();
      } else {
        CSMS_RETURN_IF_ERROR(e);
      }
    }
    s = tx.secrets().Insert(r.secret);
    if (s.IsConflict()) return errors::SecretNameExists("a secret named " + r.secret.name + " already exists");
    CSMS_RETURN_IF_ERROR(s);
    for (const BackupVersion& bv : r.versions) CSMS_RETURN_IF_ERROR(tx.secrets().InsertVersion(bv.version));
    for (const Stage& st : r.stages) CSMS_RETURN_IF_ERROR(tx.secrets().PutStage(st));
    for (const Tag& t : r.tags) CSMS_RETURN_IF_ERROR(tx.tags().Put(project_id, r.secret.id, t));
    return Status::OK();
  }));
  *out = std::move(r.secret);
  return Status::OK();
}

}  // namespace csms
