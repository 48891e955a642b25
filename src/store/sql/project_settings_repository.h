// ProjectSettings repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/project_settings_repository.h"

namespace csms::sql {

template <typename D>
class ProjectSettingsRepositoryOn final : public ProjectSettingsRepository {
 public:
  explicit ProjectSettingsRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status Get(const std::string& project_id, ProjectSettings* out) override;
  Status Put(const std::string& project_id, const ProjectSettings& settings) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
