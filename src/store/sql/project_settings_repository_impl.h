// The definitions of sql::ProjectSettingsRepositoryOn (project_settings_repository.h), included once by each engine's
// .cc after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through the connection's
// namespace.
#pragma once

#include "common/errors.h"
#include "store/sql/project_settings_repository.h"

namespace csms::sql {

template <typename D>
Status ProjectSettingsRepositoryOn<D>::Get(const std::string& project_id, ProjectSettings* out) {
  *out = ProjectSettings();
  Status s = QueryOne(
      conn_, "SELECT checking_secret_strength, update_time FROM project_settings WHERE project_id = ?1",
      "project settings", [&](Statement& st) { st.Bind(1, project_id); },
      [&](Statement& st) {
        out->checking_secret_strength = st.Int(0) != 0;
        out->update_time = st.Int(1);
      });
  return s.IsNotFound() ? Status::OK() : s;
}

template <typename D>
Status ProjectSettingsRepositoryOn<D>::Put(const std::string& project_id, const ProjectSettings& settings) {
  return Exec(conn_,
              "INSERT INTO project_settings (project_id, checking_secret_strength, update_time) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (project_id) DO UPDATE SET checking_secret_strength = excluded.checking_secret_strength, "
              "update_time = excluded.update_time",
              [&](Statement& st) {
                st.Bind(1, project_id)
                    .Bind(2, static_cast<int64_t>(settings.checking_secret_strength ? 1 : 0))
                    .Bind(3, settings.update_time);
              });
}

}  // namespace csms::sql
