// TagService: the tags of secrets (spec §1.8): create, delete and batch changes of one secret's
// tags, the tag lists of a secret and of a project, and ListResourceInstances (secrets selected
// by tags and name). Secrets are addressed by id, always within the caller's project: another
// project's secret id is as unknown as one that never existed. Every change is one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/secret.h"
#include "domain/tag.h"
#include "store/store.h"

namespace csms {

enum class TagAction { kCreate, kDelete };

// One key of ListProjectSecretsTags with every value it has in the project.
struct ProjectTagKey {
  std::string key;
  std::vector<std::string> values;
};

struct ResourceInstancesCommand {
  bool count_only = false;  // action "count"
  int limit = tags::kDefaultResourceLimit;
  int64_t offset = 0;
  std::vector<TagFilter> tags;
  std::optional<std::string> name_contains;  // matches[{key: resource_name}]
};

struct ResourceInstance {
  Secret secret;
  std::vector<Tag> tags;
};

struct ResourceInstancesResult {
  std::vector<ResourceInstance> resources;  // empty for count_only
  int64_t total_count = 0;
};

class TagService {
 public:
  explicit TagService(Store* store) : store_(store) {}

  // Adds the tag, or replaces the value of the key the secret already has.
  Status Create(const std::string& project_id, const std::string& secret_id, const Tag& tag);
  Status Delete(const std::string& project_id, const std::string& secret_id, const std::string& key);
  // Creates (or re-values) or deletes 1..20 tags at once: all of them or, on any error, none.
  // Deleting a key the secret does not have is not an error.
  Status Batch(const std::string& project_id, const std::string& secret_id, TagAction action,
               const std::vector<Tag>& tags);
  Status List(const std::string& project_id, const std::string& secret_id, std::vector<Tag>* out);
  Status ListProject(const std::string& project_id, std::vector<ProjectTagKey>* out);
  Status ListResources(const std::string& project_id, const ResourceInstancesCommand& cmd,
                       ResourceInstancesResult* out);

 private:
  Store* store_;
};

// The secret `secret_id` of the project; SecretNotFound (404 CSMS.0106) when there is none in it.
Status LoadSecretById(Transaction& tx, const std::string& project_id, const std::string& secret_id, Secret* out);

}  // namespace csms
