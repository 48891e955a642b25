// The definitions of sql::SecretRepositoryOn (secret_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
//
// Storage of secrets, versions, stages and master-key checks.
#pragma once

#include "common/errors.h"
#include "store/sql/row_errors.h"
#include "store/sql/secret_repository.h"

namespace csms::sql {
namespace {

#define SECRET_COLUMNS                                                                                      \
  "project_id, name, id, state, kms_key_id, description, create_time, update_time, scheduled_delete_time, " \
  "secret_type, auto_rotation, rotation_period, rotation_config, rotation_time, next_rotation_time, "       \
  "event_subscription, enterprise_project_id, rotation_func_urn, last_version, notification_sequence"

template <typename Statement>
void BindSecret(Statement& s, const Secret& x) {
  s.Bind(1, x.project_id).Bind(2, x.name).Bind(3, x.id).Bind(4, SecretStateName(x.state)).Bind(5, x.kms_key_id);
  s.BindOpt(6, x.description).Bind(7, x.create_time).Bind(8, x.update_time).BindOpt(9, x.scheduled_delete_time);
  s.Bind(10, x.secret_type).Bind(11, x.auto_rotation ? 1 : 0).BindOpt(12, x.rotation_period);
  s.BindOpt(13, x.rotation_config).BindOpt(14, x.rotation_time).BindOpt(15, x.next_rotation_time);
  s.BindOpt(16, x.event_subscription).Bind(17, x.enterprise_project_id).BindOpt(18, x.rotation_func_urn);
  s.Bind(19, x.last_version).Bind(20, x.notification_sequence);
}

template <typename Statement>
Status ReadSecret(Statement& s, Secret* out) {
  Secret& x = *out;
  x = Secret();
  x.project_id = s.Text(0);
  x.name = s.Text(1);
  x.id = s.Text(2);
  CSMS_RETURN_IF_ERROR(DecodeColumn(s.TextView(3), ParseSecretState, "secrets", x.id, "state", &x.state));
  x.kms_key_id = s.Text(4);
  x.description = s.OptText(5);
  x.create_time = s.Int(6);
  x.update_time = s.Int(7);
  x.scheduled_delete_time = s.OptInt(8);
  x.secret_type = s.Text(9);
  x.auto_rotation = s.Int(10) != 0;
  x.rotation_period = s.OptText(11);
  x.rotation_config = s.OptText(12);
  x.rotation_time = s.OptInt(13);
  x.next_rotation_time = s.OptInt(14);
  x.event_subscription = s.OptText(15);
  x.enterprise_project_id = s.Text(16);
  x.rotation_func_urn = s.OptText(17);
  x.last_version = s.Int(18);
  x.notification_sequence = s.Int(19);
  return Status::OK();
}

#define VERSION_META_COLUMNS \
  "secret_id, number, create_time, expire_time, kms_key_id, kind, next_lead, expired_fired, due_time"

// How a version's value kind is stored (not an API name).
std::string_view ValueKindName(ValueKind k) { return k == ValueKind::kBinary ? "binary" : "string"; }
std::optional<ValueKind> ParseValueKind(std::string_view text) {
  for (ValueKind k : {ValueKind::kString, ValueKind::kBinary}) {
    if (ValueKindName(k) == text) return k;
  }
  return std::nullopt;
}

template <typename Statement>
Status ReadVersionMeta(Statement& s, SecretVersion* out) {
  SecretVersion& v = *out;
  v = SecretVersion();
  v.secret_id = s.Text(0);
  v.number = s.Int(1);
  v.create_time = s.Int(2);
  v.expire_time = s.OptInt(3);
  v.kms_key_id = s.Text(4);
  CSMS_RETURN_IF_ERROR(DecodeColumn(s.TextView(5), ParseValueKind, "versions",
                                    v.secret_id + "/" + std::to_string(v.number), "kind", &v.kind));
  v.expiry.next_lead = static_cast<int>(s.Int(6));
  v.expiry.expired_fired = s.Int(7) != 0;
  v.expiry.due_time = s.OptInt(8);
  return Status::OK();
}

template <typename Statement>
Stage ReadStage(Statement& s) {
  return Stage{s.Text(0), s.Text(1), s.Int(2), s.Int(3)};
}

}  // namespace

template <typename D>
Status SecretRepositoryOn<D>::Count(const std::string& project_id, int64_t* count) {
  return QueryOne(
      conn_, "SELECT coalesce((SELECT secrets FROM project_secret_counts WHERE project_id = ?1), 0)", "count",
      [&](Statement& s) { s.Bind(1, project_id); }, [&](Statement& s) { *count = s.Int(0); });
}

template <typename D>
Status SecretRepositoryOn<D>::Insert(const Secret& x) {
  return InsertOne(conn_,
                   "INSERT INTO secrets (" SECRET_COLUMNS
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
                   "?20) ON CONFLICT DO NOTHING",
                   "secrets row", [&](Statement& s) { BindSecret(s, x); });
}

template <typename D>
Status SecretRepositoryOn<D>::Get(const std::string& project_id, const std::string& name, Secret* out) {
  return QueryOne(
      conn_, "SELECT " SECRET_COLUMNS " FROM secrets WHERE project_id = ?1 AND name = ?2", "secret",
      [&](Statement& s) { s.Bind(1, project_id).Bind(2, name); }, [&](Statement& s) { return ReadSecret(s, out); });
}

template <typename D>
Status SecretRepositoryOn<D>::GetById(const std::string& secret_id, Secret* out) {
  return QueryOne(
      conn_, "SELECT " SECRET_COLUMNS " FROM secrets WHERE id = ?1", "secret",
      [&](Statement& s) { s.Bind(1, secret_id); }, [&](Statement& s) { return ReadSecret(s, out); });
}

template <typename D>
Status SecretRepositoryOn<D>::Update(const Secret& x) {
  return ExecOne(conn_,
                 "UPDATE secrets SET id = ?3, state = ?4, kms_key_id = ?5, description = ?6, create_time = ?7, "
                 "update_time = ?8, scheduled_delete_time = ?9, secret_type = ?10, auto_rotation = ?11, "
                 "rotation_period = ?12, rotation_config = ?13, rotation_time = ?14, next_rotation_time = ?15, "
                 "event_subscription = ?16, enterprise_project_id = ?17, rotation_func_urn = ?18, "
                 "last_version = ?19, notification_sequence = ?20 WHERE project_id = ?1 AND name = ?2",
                 "secret", [&](Statement& s) { BindSecret(s, x); });
}

template <typename D>
Status SecretRepositoryOn<D>::SetNotificationSequence(const std::string& secret_id, int64_t sequence) {
  return ExecOne(conn_, "UPDATE secrets SET notification_sequence = ?2 WHERE id = ?1", "secret",
                 [&](Statement& s) { s.Bind(1, secret_id).Bind(2, sequence); });
}

template <typename D>
Status SecretRepositoryOn<D>::Delete(const Secret& x) {
  CSMS_RETURN_IF_ERROR(Exec(conn_, "DELETE FROM stages WHERE secret_id = ?1", [&](Statement& s) { s.Bind(1, x.id); }));
  CSMS_RETURN_IF_ERROR(
      Exec(conn_, "DELETE FROM versions WHERE secret_id = ?1", [&](Statement& s) { s.Bind(1, x.id); }));
  return ExecOne(conn_, "DELETE FROM secrets WHERE project_id = ?1 AND name = ?2", "secret",
                 [&](Statement& s) { s.Bind(1, x.project_id).Bind(2, x.name); });
}

template <typename D>
Status SecretRepositoryOn<D>::List(const std::string& project_id, const std::string& after_name,
                                   const std::optional<std::string>& event_name, int limit, std::vector<Secret>* out) {
  auto row = [&](Statement& s) { return ReadSecret(s, &out->emplace_back()); };
  if (event_name) {
    return QueryMany(
        conn_,
        "SELECT " SECRET_COLUMNS
        " FROM secrets WHERE project_id = ?1 AND event_subscription = ?2 "
        "AND name > ?3 ORDER BY name LIMIT ?4",
        [&](Statement& s) { s.Bind(1, project_id).Bind(2, *event_name).Bind(3, after_name).Bind(4, limit); }, row);
  }
  return QueryMany(
      conn_, "SELECT " SECRET_COLUMNS " FROM secrets WHERE project_id = ?1 AND name > ?2 ORDER BY name LIMIT ?3",
      [&](Statement& s) { s.Bind(1, project_id).Bind(2, after_name).Bind(3, limit); }, row);
}

template <typename D>
Status SecretRepositoryOn<D>::FindSubscriber(const std::string& project_id, const std::string& event_name,
                                             std::string* out) {
  return QueryOne(
      conn_, "SELECT name FROM secrets WHERE project_id = ?1 AND event_subscription = ?2 ORDER BY name LIMIT 1",
      "subscriber", [&](Statement& s) { s.Bind(1, project_id).Bind(2, event_name); },
      [&](Statement& s) { *out = s.Text(0); });
}

template <typename D>
Status SecretRepositoryOn<D>::InsertVersion(const SecretVersion& v) {
  return InsertOne(conn_,
                   "INSERT INTO versions (secret_id, number, create_time, expire_time, kms_key_id, kind, wrapped_key, "
                   "ciphertext, next_lead, expired_fired, due_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                   "?11) ON CONFLICT DO NOTHING",
                   "versions row", [&](Statement& s) {
                     s.Bind(1, v.secret_id).Bind(2, v.number).Bind(3, v.create_time).BindOpt(4, v.expire_time);
                     s.Bind(5, v.kms_key_id).Bind(6, ValueKindName(v.kind));
                     s.BindBlob(7, v.wrapped_key).BindBlob(8, v.ciphertext).Bind(9, v.expiry.next_lead);
                     s.Bind(10, v.expiry.expired_fired ? 1 : 0).BindOpt(11, v.expiry.due_time);
                   });
}

template <typename D>
Status SecretRepositoryOn<D>::GetVersion(const std::string& secret_id, int64_t number, bool with_value,
                                         SecretVersion* out) {
  auto bind = [&](Statement& s) { s.Bind(1, secret_id).Bind(2, number); };
  if (!with_value) {
    return QueryOne(conn_, "SELECT " VERSION_META_COLUMNS " FROM versions WHERE secret_id = ?1 AND number = ?2",
                    "version", bind, [&](Statement& s) { return ReadVersionMeta(s, out); });
  }
  return QueryOne(conn_,
                  "SELECT " VERSION_META_COLUMNS
                  ", wrapped_key, ciphertext FROM versions "
                  "WHERE secret_id = ?1 AND number = ?2",
                  "version", bind, [&](Statement& s) {
                    CSMS_RETURN_IF_ERROR(ReadVersionMeta(s, out));
                    out->wrapped_key = s.Blob(9);
                    out->ciphertext = s.Blob(10);
                    return Status::OK();
                  });
}

template <typename D>
Status SecretRepositoryOn<D>::UpdateVersionExpiry(const std::string& secret_id, int64_t number,
                                                  const std::optional<int64_t>& expire_time, const ExpirySchedule& e) {
  return ExecOne(conn_,
                 "UPDATE versions SET expire_time = ?3, next_lead = ?4, expired_fired = ?5, due_time = ?6 "
                 "WHERE secret_id = ?1 AND number = ?2",
                 "version", [&](Statement& s) {
                   s.Bind(1, secret_id).Bind(2, number).BindOpt(3, expire_time).Bind(4, e.next_lead);
                   s.Bind(5, e.expired_fired ? 1 : 0).BindOpt(6, e.due_time);
                 });
}

template <typename D>
Status SecretRepositoryOn<D>::DeleteVersion(const std::string& secret_id, int64_t number) {
  return ExecOne(conn_, "DELETE FROM versions WHERE secret_id = ?1 AND number = ?2", "version",
                 [&](Statement& s) { s.Bind(1, secret_id).Bind(2, number); });
}

template <typename D>
Status SecretRepositoryOn<D>::CountVersions(const std::string& secret_id, int64_t* count) {
  return QueryOne(
      conn_, "SELECT count(*) FROM versions WHERE secret_id = ?1", "count", [&](Statement& s) { s.Bind(1, secret_id); },
      [&](Statement& s) { *count = s.Int(0); });
}

template <typename D>
Status SecretRepositoryOn<D>::ListVersions(const std::string& secret_id, int64_t after_number, int limit,
                                           std::vector<SecretVersion>* out) {
  return QueryMany(
      conn_,
      "SELECT " VERSION_META_COLUMNS
      " FROM versions WHERE secret_id = ?1 AND number > ?2 "
      "ORDER BY number LIMIT ?3",
      [&](Statement& s) { s.Bind(1, secret_id).Bind(2, after_number).Bind(3, limit); },
      [&](Statement& s) { return ReadVersionMeta(s, &out->emplace_back()); });
}

template <typename D>
Status SecretRepositoryOn<D>::OldestUnstagedVersion(const std::string& secret_id, int64_t except_number,
                                                    int64_t* number) {
  return QueryOne(
      conn_,
      "SELECT v.number FROM versions v WHERE v.secret_id = ?1 AND v.number <> ?2 AND NOT EXISTS "
      "(SELECT 1 FROM stages s WHERE s.secret_id = v.secret_id AND s.version_number = v.number) "
      "ORDER BY v.number LIMIT 1",
      "unstaged version", [&](Statement& s) { s.Bind(1, secret_id).Bind(2, except_number); },
      [&](Statement& s) { *number = s.Int(0); });
}

template <typename D>
Status SecretRepositoryOn<D>::ListStages(const std::string& secret_id, std::vector<Stage>* out) {
  return QueryMany(
      conn_, "SELECT secret_id, name, version_number, update_time FROM stages WHERE secret_id = ?1 ORDER BY name",
      [&](Statement& s) { s.Bind(1, secret_id); }, [&](Statement& s) { out->push_back(ReadStage(s)); });
}

template <typename D>
Status SecretRepositoryOn<D>::GetStage(const std::string& secret_id, const std::string& name, Stage* out) {
  return QueryOne(
      conn_, "SELECT secret_id, name, version_number, update_time FROM stages WHERE secret_id = ?1 AND name = ?2",
      "stage", [&](Statement& s) { s.Bind(1, secret_id).Bind(2, name); }, [&](Statement& s) { *out = ReadStage(s); });
}

template <typename D>
Status SecretRepositoryOn<D>::PutStage(const Stage& st) {
  return Exec(conn_,
              "INSERT INTO stages (secret_id, name, version_number, update_time) VALUES (?1, ?2, ?3, ?4) "
              "ON CONFLICT (secret_id, name) DO UPDATE SET version_number = excluded.version_number, "
              "update_time = excluded.update_time",
              [&](Statement& s) {
                s.Bind(1, st.secret_id).Bind(2, st.name).Bind(3, st.version_number).Bind(4, st.update_time);
              });
}

template <typename D>
Status SecretRepositoryOn<D>::DeleteStage(const std::string& secret_id, const std::string& name) {
  return ExecOne(conn_, "DELETE FROM stages WHERE secret_id = ?1 AND name = ?2", "stage",
                 [&](Statement& s) { s.Bind(1, secret_id).Bind(2, name); });
}

template <typename D>
Status SecretRepositoryOn<D>::DueVersions(int64_t now, int limit, std::vector<SecretVersion>* out) {
  return QueryMany(
      conn_,
      "SELECT " VERSION_META_COLUMNS
      " FROM versions WHERE due_time IS NOT NULL AND due_time <= ?1 "
      "ORDER BY due_time LIMIT ?2",
      [&](Statement& s) { s.Bind(1, now).Bind(2, limit); },
      [&](Statement& s) { return ReadVersionMeta(s, &out->emplace_back()); });
}

template <typename D>
Status SecretRepositoryOn<D>::DueRotations(int64_t now, int limit, std::vector<Secret>* out) {
  return QueryMany(
      conn_,
      "SELECT " SECRET_COLUMNS
      " FROM secrets WHERE next_rotation_time IS NOT NULL AND "
      "next_rotation_time <= ?1 ORDER BY next_rotation_time LIMIT ?2",
      [&](Statement& s) { s.Bind(1, now).Bind(2, limit); },
      [&](Statement& s) { return ReadSecret(s, &out->emplace_back()); });
}

template <typename D>
Status SecretRepositoryOn<D>::DueDeletions(int64_t now, int limit, std::vector<Secret>* out) {
  return QueryMany(
      conn_,
      "SELECT " SECRET_COLUMNS
      " FROM secrets WHERE scheduled_delete_time IS NOT NULL AND "
      "scheduled_delete_time <= ?1 ORDER BY scheduled_delete_time LIMIT ?2",
      [&](Statement& s) { s.Bind(1, now).Bind(2, limit); },
      [&](Statement& s) { return ReadSecret(s, &out->emplace_back()); });
}

template <typename D>
Status SecretRepositoryOn<D>::GetKeyCheck(const std::string& alias, std::string* key_id, std::string* sealed) {
  return QueryOne(
      conn_, "SELECT key_id, check_value FROM kms_keys WHERE alias = ?1", "key",
      [&](Statement& s) { s.Bind(1, alias); },
      [&](Statement& s) {
        *key_id = s.Text(0);
        *sealed = s.Blob(1);
      });
}

template <typename D>
Status SecretRepositoryOn<D>::InsertKeyCheck(const std::string& key_id, const std::string& alias,
                                             const std::string& sealed, int64_t now) {
  return InsertOne(
      conn_,
      "INSERT INTO kms_keys (key_id, alias, check_value, create_time) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
      "kms_keys row", [&](Statement& s) { s.Bind(1, key_id).Bind(2, alias).BindBlob(3, sealed).Bind(4, now); });
}

}  // namespace csms::sql
