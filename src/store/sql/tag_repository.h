// Tag repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/tag_repository.h"

namespace csms::sql {

template <typename D>
class TagRepositoryOn final : public TagRepository {
 public:
  explicit TagRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status List(const std::string& secret_id, std::vector<Tag>* out) override;
  Status Count(const std::string& secret_id, int64_t* count) override;
  Status Put(const std::string& project_id, const std::string& secret_id, const Tag& tag) override;
  Status Delete(const std::string& secret_id, const std::string& key) override;
  Status ListProjectTags(const std::string& project_id, std::vector<Tag>* out) override;
  Status FindSecretIds(const TagResourceQuery& query, std::vector<std::string>* out) override;
  Status CountSecrets(const TagResourceQuery& query, int64_t* count) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
