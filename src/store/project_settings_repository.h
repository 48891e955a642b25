// Storage of per-project settings: today the secret-strength checking flag of
// ShowSecretsConfig / UpdateSecretsConfig (spec §1.9). A project without a row has the defaults.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace csms {

struct ProjectSettings {
  bool checking_secret_strength = false;
  int64_t update_time = 0;  // 0 while the project has never changed its settings
};

class ProjectSettingsRepository {
 public:
  virtual ~ProjectSettingsRepository() = default;
  // The project's settings, or the defaults when it has none stored (never kNotFound).
  virtual Status Get(const std::string& project_id, ProjectSettings* out) = 0;
  // Inserts or replaces the project's settings.
  virtual Status Put(const std::string& project_id, const ProjectSettings& settings) = 0;
};

}  // namespace csms
