// Storage of secret tags (domain/tag.h). Tag rows belong to a secret by its id and carry its
// project, so project-wide lists and filters never leave the project. A secret's tags go with it
// whenever its row is deleted (an SQL trigger: immediate deletion, scheduled deletion, any path).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/tag.h"

namespace csms {

// Which secrets of a project ListResourceInstances selects: every tag filter must hold (keys
// AND-ed, a filter's values OR-ed, no values = any value) and, when set, the name must contain
// `name_contains`. Ordered by name.
struct TagResourceQuery {
  std::string project_id;
  std::vector<TagFilter> tags;
  std::optional<std::string> name_contains;
  int limit = 10;
  int64_t offset = 0;
};

class TagRepository {
 public:
  virtual ~TagRepository() = default;

  // The tags of one secret, ordered by key.
  virtual Status List(const std::string& secret_id, std::vector<Tag>* out) = 0;
  virtual Status Count(const std::string& secret_id, int64_t* count) = 0;
  // Inserts the tag, or replaces the value of the key the secret already has.
  virtual Status Put(const std::string& project_id, const std::string& secret_id, const Tag& tag) = 0;
  // kNotFound when the secret has no tag with that key.
  virtual Status Delete(const std::string& secret_id, const std::string& key) = 0;
  // Every distinct (key, value) of the project's secrets, ordered by key then value.
  virtual Status ListProjectTags(const std::string& project_id, std::vector<Tag>* out) = 0;
  // The ids of a page of the secrets the query selects (query.limit, query.offset), and how many
  // it selects.
  virtual Status FindSecretIds(const TagResourceQuery& query, std::vector<std::string>* out) = 0;
  virtual Status CountSecrets(const TagResourceQuery& query, int64_t* count) = 0;
};

}  // namespace csms
