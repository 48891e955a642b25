#include "service/tag_service.h"

#include <set>

#include "common/errors.h"
#include "common/unicode.h"
#include "common/utf8.h"

namespace csms {
namespace {

Status CheckTags(const std::vector<Tag>& tags, bool with_values) {
  if (tags.empty() || tags.size() > tags::kMaxBatch) {
    return errors::InvalidParameter("invalid tags: must hold 1 to 20 tags");
  }
  std::set<std::string> keys;
  for (size_t i = 0; i < tags.size(); ++i) {
    std::string field = "tags[" + std::to_string(i) + "]";
    // with_values: the tags are being written (a batch create), not named to delete.
    if (with_values) {
      CSMS_RETURN_IF_ERROR(tags::CheckNewKey(field + ".key", tags[i].key));
      CSMS_RETURN_IF_ERROR(tags::CheckNewValue(field + ".value", tags[i].value));
    } else {
      CSMS_RETURN_IF_ERROR(tags::CheckKey(field + ".key", tags[i].key));
    }
    if (!keys.insert(tags[i].key).second) {
      return errors::InvalidParameter("invalid " + field + ".key: the key " + tags[i].key + " is given twice");
    }
  }
  return Status::OK();
}

// Puts `tags` on the secret if it then carries at most 20 tags.
Status PutTags(Transaction& tx, const Secret& secret, const std::vector<Tag>& tags) {
  std::vector<Tag> existing;
  CSMS_RETURN_IF_ERROR(tx.tags().List(secret.id, &existing));
  std::set<std::string> after;
  for (const Tag& t : existing) after.insert(t.key);
  for (const Tag& t : tags) after.insert(t.key);
  if (after.size() > tags::kMaxTagsPerSecret) {
    return errors::TagQuotaReached("secret " + secret.name + " would carry " + std::to_string(after.size()) +
                                   " tags; at most 20 are allowed");
  }
  for (const Tag& t : tags) CSMS_RETURN_IF_ERROR(tx.tags().Put(secret.project_id, secret.id, t));
  return Status::OK();
}

}  // namespace

Status LoadSecretById(Transaction& tx, const std::string& project_id, const std::string& secret_id, Secret* out) {
  Status s = tx.secrets().GetById(secret_id, out);
  if (s.ok() && out->project_id == project_id) return Status::OK();
  if (!s.ok() && !s.IsNotFound()) return s;
  return errors::SecretNotFound("secret id " + std::string(utf8::Truncate(secret_id, 64)) + " does not exist");
}

Status TagService::Create(const std::string& project_id, const std::string& secret_id, const Tag& tag) {
  CSMS_RETURN_IF_ERROR(tags::CheckNewKey("tag.key", tag.key));
  CSMS_RETURN_IF_ERROR(tags::CheckNewValue("tag.value", tag.value));
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecretById(tx, project_id, secret_id, &secret));
    return PutTags(tx, secret, {tag});
  });
}

Status TagService::Delete(const std::string& project_id, const std::string& secret_id, const std::string& key) {
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecretById(tx, project_id, secret_id, &secret));
    Status s = key.empty() || key.size() > 4 * tags::kMaxDeleteKeyLength ? Status::Failure(Status::Kind::kNotFound, "")
                                                                         : tx.tags().Delete(secret.id, key);
    if (s.IsNotFound()) {
      return errors::ResourceNotFound("tag " + std::string(utf8::Truncate(key, 128)) + " of secret " + secret.name +
                                      " does not exist");
    }
    return s;
  });
}

Status TagService::Batch(const std::string& project_id, const std::string& secret_id, TagAction action,
                         const std::vector<Tag>& tags) {
  CSMS_RETURN_IF_ERROR(CheckTags(tags, action == TagAction::kCreate));
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecretById(tx, project_id, secret_id, &secret));
    if (action == TagAction::kCreate) return PutTags(tx, secret, tags);
    for (const Tag& t : tags) {
      Status s = tx.tags().Delete(secret.id, t.key);
      if (!s.ok() && !s.IsNotFound()) return s;
    }
    return Status::OK();
  });
}

Status TagService::List(const std::string& project_id, const std::string& secret_id, std::vector<Tag>* out) {
  return store_->Read([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecretById(tx, project_id, secret_id, &secret));
    out->clear();
    return tx.tags().List(secret.id, out);
  });
}

Status TagService::ListProject(const std::string& project_id, std::vector<ProjectTagKey>* out) {
  std::vector<Tag> pairs;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) { return tx.tags().ListProjectTags(project_id, &pairs); }));
  out->clear();
  for (Tag& t : pairs) {  // ordered by key, then value
    if (out->empty() || out->back().key != t.key) out->push_back(ProjectTagKey{t.key, {}});
    out->back().values.push_back(std::move(t.value));
  }
  return Status::OK();
}

Status TagService::ListResources(const std::string& project_id, const ResourceInstancesCommand& cmd,
                                 ResourceInstancesResult* out) {
  if (cmd.tags.size() > tags::kMaxFilterTags) {
    return errors::InvalidParameter("invalid tags: at most 10 tag filters are allowed");
  }
  for (size_t i = 0; i < cmd.tags.size(); ++i) {
    std::string field = "tags[" + std::to_string(i) + "]";
    CSMS_RETURN_IF_ERROR(tags::CheckKey(field + ".key", cmd.tags[i].key));
    if (cmd.tags[i].values.size() > tags::kMaxFilterValues) {
      return errors::InvalidParameter("invalid " + field + ".values: at most 10 values are allowed");
    }
    for (size_t j = 0; j < cmd.tags[i].values.size(); ++j) {
      CSMS_RETURN_IF_ERROR(tags::CheckValue(field + ".values[" + std::to_string(j) + "]", cmd.tags[i].values[j]));
    }
  }
  std::u32string chars;
  if (cmd.name_contains &&
      (!unicode::Decode(*cmd.name_contains, &chars) || chars.size() > tags::kMaxMatchValueLength)) {
    return errors::InvalidParameter("invalid matches[0].value: must be at most 255 characters");
  }
  TagResourceQuery q;
  q.project_id = project_id;
  q.tags = cmd.tags;
  if (cmd.name_contains && !cmd.name_contains->empty()) q.name_contains = cmd.name_contains;
  q.limit = cmd.limit;
  q.offset = cmd.offset;
  out->resources.clear();
  return store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.tags().CountSecrets(q, &out->total_count));
    if (cmd.count_only) return Status::OK();
    std::vector<std::string> ids;
    CSMS_RETURN_IF_ERROR(tx.tags().FindSecretIds(q, &ids));
    out->resources.reserve(ids.size());
    for (const std::string& id : ids) {  // one page: at most `limit` lookups by primary key
      ResourceInstance& r = out->resources.emplace_back();
      CSMS_RETURN_IF_ERROR(tx.secrets().GetById(id, &r.secret));
      CSMS_RETURN_IF_ERROR(tx.tags().List(id, &r.tags));
    }
    return Status::OK();
  });
}

}  // namespace csms
