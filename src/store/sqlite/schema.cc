#include "store/sqlite/schema.h"

#include <iterator>

namespace csms::sqlite {
namespace {

constexpr std::string_view kMigrations[] = {
    // 1: identity, events, notification records.
    R"sql(
CREATE TABLE domains (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  create_time INTEGER NOT NULL
);
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  domain_id TEXT NOT NULL REFERENCES domains(id),
  create_time INTEGER NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  domain_id TEXT NOT NULL REFERENCES domains(id),
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tokens_by_expiry ON tokens (expires_at);

CREATE TABLE events (
  project_id TEXT NOT NULL,
  name TEXT NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  event_types TEXT NOT NULL,
  state TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  target_name TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  PRIMARY KEY (project_id, name)
) WITHOUT ROWID;

CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  event_name TEXT NOT NULL,
  trigger_event_type TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  secret_name TEXT NOT NULL,
  secret_type TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  target_name TEXT NOT NULL,
  content TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE INDEX notifications_by_time ON notifications (project_id, create_time DESC, id DESC);
)sql",
    // 2: secrets, versions (sealed values), stages, rotation tasks, master-key checks; the
    // notification outbox gains its secret, per-secret sequence and dispatch time.
    R"sql(
CREATE TABLE secrets (
  project_id TEXT NOT NULL,
  name TEXT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  kms_key_id TEXT NOT NULL,
  description TEXT,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  scheduled_delete_time INTEGER,
  secret_type TEXT NOT NULL,
  auto_rotation INTEGER NOT NULL,
  rotation_period TEXT,
  rotation_config TEXT,
  rotation_time INTEGER,
  next_rotation_time INTEGER,
  event_subscription TEXT,
  enterprise_project_id TEXT NOT NULL,
  rotation_func_urn TEXT,
  last_version INTEGER NOT NULL,
  notification_sequence INTEGER NOT NULL,
  PRIMARY KEY (project_id, name)
) WITHOUT ROWID;
CREATE INDEX secrets_by_event ON secrets (project_id, event_subscription, name) WHERE event_subscription IS NOT NULL;
CREATE INDEX secrets_rotation_due ON secrets (next_rotation_time) WHERE next_rotation_time IS NOT NULL;
CREATE INDEX secrets_deletion_due ON secrets (scheduled_delete_time) WHERE scheduled_delete_time IS NOT NULL;

CREATE TABLE versions (
  secret_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  expire_time INTEGER,
  kms_key_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  wrapped_key BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  next_lead INTEGER NOT NULL DEFAULT 0,
  expired_fired INTEGER NOT NULL DEFAULT 0,
  due_time INTEGER,
  UNIQUE (secret_id, number)
);
CREATE INDEX versions_due ON versions (due_time) WHERE due_time IS NOT NULL;

CREATE TABLE stages (
  secret_id TEXT NOT NULL,
  name TEXT NOT NULL,
  version_number INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  PRIMARY KEY (secret_id, name)
) WITHOUT ROWID;
CREATE INDEX stages_by_version ON stages (secret_id, version_number);

CREATE TABLE tasks (
  task_id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  secret_id TEXT NOT NULL,
  secret_name TEXT NOT NULL,
  rotation_func_urn TEXT NOT NULL,
  status TEXT NOT NULL,
  operate_type TEXT NOT NULL,
  task_time INTEGER NOT NULL,
  attempt_nums INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  error_msg TEXT NOT NULL,
  due_time INTEGER,
  version_id TEXT
);
CREATE INDEX tasks_by_time ON tasks (project_id, task_time DESC, task_id DESC);
CREATE INDEX tasks_due ON tasks (due_time) WHERE status = 'RUNNING';
CREATE INDEX tasks_by_age ON tasks (task_time);

CREATE TABLE kms_keys (
  key_id TEXT PRIMARY KEY,
  alias TEXT NOT NULL UNIQUE,
  check_value BLOB NOT NULL,
  create_time INTEGER NOT NULL
);

ALTER TABLE notifications ADD COLUMN secret_id TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN next_attempt_at INTEGER;
CREATE INDEX notifications_dispatch ON notifications (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX notifications_by_age ON notifications (create_time);
)sql",
    // 3: access keys (AK/SK) and temporary credentials. The SK is sealed under the master key with
    // the AK as associated data (Base64 text); the security token is kept only as a SHA-256.
    R"sql(
CREATE TABLE access_keys (
  access_key TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  sealed_secret TEXT NOT NULL,
  security_token_hash TEXT,
  description TEXT NOT NULL,
  status TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  expires_at INTEGER,
  revoke_time INTEGER
) WITHOUT ROWID;
CREATE INDEX access_keys_by_user ON access_keys (user_id, create_time);
CREATE INDEX access_keys_by_expiry ON access_keys (expires_at) WHERE expires_at IS NOT NULL;
)sql",
    // Delivery (notify/dispatcher.h): each notification's delivery state and lease, the attempt
    // log, and the events' webhook signing secrets (sealed under the master key). Due PENDING
    // rows are found through notifications_dispatch (migration 2: next_attempt_at WHERE PENDING).
    R"sql(
ALTER TABLE notifications ADD COLUMN attempt_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN round_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN round_start INTEGER;
ALTER TABLE notifications ADD COLUMN lease_owner TEXT;
ALTER TABLE notifications ADD COLUMN last_error TEXT;
ALTER TABLE notifications ADD COLUMN final_time INTEGER;

CREATE TABLE attempts (
  record_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  time INTEGER NOT NULL,
  http_status INTEGER NOT NULL,
  latency_us INTEGER NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (record_id, number)
) WITHOUT ROWID;
CREATE TRIGGER attempts_follow_notifications AFTER DELETE ON notifications
BEGIN
  DELETE FROM attempts WHERE record_id = OLD.id;
END;

CREATE TABLE webhook_secrets (
  project_id TEXT NOT NULL,
  event_name TEXT NOT NULL,
  secret_id TEXT NOT NULL,
  sealed BLOB NOT NULL,
  create_time INTEGER NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (project_id, event_name, secret_id)
) WITHOUT ROWID;
CREATE TRIGGER webhook_secrets_follow_events AFTER DELETE ON events
BEGIN
  DELETE FROM webhook_secrets WHERE project_id = OLD.project_id AND event_name = OLD.name;
END;
)sql",
    // 5: each event row keeps its API representation, so listing events joins stored texts.
    R"sql(
ALTER TABLE events ADD COLUMN representation TEXT NOT NULL DEFAULT '';
)sql",
    // 6: a per-project generation of the events, moved by every insert, update and delete (by
    // triggers, so no code path can forget): list caches check it to never serve a stale page.
    R"sql(
CREATE TABLE event_generations (
  project_id TEXT PRIMARY KEY,
  generation INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO event_generations (project_id, generation) SELECT project_id, 1 FROM events GROUP BY project_id;
CREATE TRIGGER event_generation_on_insert AFTER INSERT ON events BEGIN
  INSERT INTO event_generations (project_id, generation) VALUES (NEW.project_id, 1)
  ON CONFLICT (project_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER event_generation_on_update AFTER UPDATE ON events BEGIN
  INSERT INTO event_generations (project_id, generation) VALUES (NEW.project_id, 1)
  ON CONFLICT (project_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER event_generation_on_delete AFTER DELETE ON events BEGIN
  INSERT INTO event_generations (project_id, generation) VALUES (OLD.project_id, 1)
  ON CONFLICT (project_id) DO UPDATE SET generation = generation + 1;
END;
)sql",
    // 7: an attempt whose outcome was never saved (its dispatcher was killed or lost the lease) is
    // kept in the attempt log as in doubt (domain/delivery.h DeliveryAttempt::in_doubt).
    R"sql(
ALTER TABLE attempts ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;
)sql",
    // 8: token revocation. A user can be disabled; a changed password or a disabled user takes
    // the user's tokens with it (by trigger, so no code path can forget), and every revocation
    // moves one generation that token caches (also in other processes) check before trusting
    // what they hold.
    R"sql(
ALTER TABLE users ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
CREATE INDEX tokens_by_user ON tokens (user_id);
CREATE TABLE token_revocations (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO token_revocations (id, generation) VALUES (1, 1);
CREATE TRIGGER tokens_revoked_on_password_change AFTER UPDATE OF password_hash ON users BEGIN
  DELETE FROM tokens WHERE user_id = NEW.id;
  UPDATE token_revocations SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER tokens_revoked_on_disable AFTER UPDATE OF enabled ON users WHEN NEW.enabled = 0 BEGIN
  DELETE FROM tokens WHERE user_id = NEW.id;
  UPDATE token_revocations SET generation = generation + 1 WHERE id = 1;
END;
)sql",
    // 9: per-project settings (ShowSecretsConfig / UpdateSecretsConfig): whether new secret values
    // are checked for strength. A project without a row has the defaults.
    R"sql(
CREATE TABLE project_settings (
  project_id TEXT PRIMARY KEY,
  checking_secret_strength INTEGER NOT NULL DEFAULT 0,
  update_time INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 10: filtered pages of notification records (store/sql/record_page.h). One index per set of
    // equality filters a listing can carry (secret, event, trigger type; the status is always one
    // value, a listing without it merges one walk per final status), each ending in the page order,
    // so every filtered page reads O(limit) index entries whatever the filters select.
    R"sql(
CREATE INDEX notifications_page ON notifications (project_id, status, create_time DESC, id DESC);
CREATE INDEX notifications_page_s ON notifications (project_id, status, secret_name, create_time DESC, id DESC);
CREATE INDEX notifications_page_e ON notifications (project_id, status, event_name, create_time DESC, id DESC);
CREATE INDEX notifications_page_t ON notifications (project_id, status, trigger_event_type, create_time DESC, id DESC);
CREATE INDEX notifications_page_se
  ON notifications (project_id, status, secret_name, event_name, create_time DESC, id DESC);
CREATE INDEX notifications_page_st
  ON notifications (project_id, status, secret_name, trigger_event_type, create_time DESC, id DESC);
CREATE INDEX notifications_page_et
  ON notifications (project_id, status, event_name, trigger_event_type, create_time DESC, id DESC);
CREATE INDEX notifications_page_set
  ON notifications (project_id, status, secret_name, event_name, trigger_event_type, create_time DESC, id DESC);
)sql",
    // 11: agencies (spec §1.9): per domain and database secret type, the record that csms may
    // rotate database credentials of that type.
    R"sql(
CREATE TABLE agencies (
  domain_id TEXT NOT NULL,
  secret_type TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  agency_name TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (domain_id, secret_type)
) WITHOUT ROWID;
)sql",
    // 12: secret tags (spec §1.8). A tag row carries its secret's project so project-wide tag lists
    // and ListResourceInstances' filters use one index; a secret's tags go with its row, whatever
    // deletes it (immediate or scheduled deletion), by trigger in the same transaction.
    R"sql(
CREATE TABLE secret_tags (
  secret_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  project_id TEXT NOT NULL,
  PRIMARY KEY (secret_id, key)
) WITHOUT ROWID;
CREATE INDEX secret_tags_by_project ON secret_tags (project_id, key, value, secret_id);
CREATE TRIGGER secret_tags_follow_secrets AFTER DELETE ON secrets
BEGIN
  DELETE FROM secret_tags WHERE secret_id = OLD.id;
END;
)sql",
    // 13: groups of users, grants of a secret to a user or a group, and the times the users API
    // shows (a user's last change and last password change, kept by trigger). Grants go with
    // their secret (by trigger).
    R"sql(
CREATE TABLE user_groups (
  id TEXT PRIMARY KEY,
  domain_id TEXT NOT NULL REFERENCES domains(id),
  name TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE user_group_members (
  group_id TEXT NOT NULL REFERENCES user_groups(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX user_group_members_by_user ON user_group_members (user_id, group_id);
ALTER TABLE users ADD COLUMN update_time INTEGER;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;
CREATE TRIGGER users_password_changed AFTER UPDATE OF password_hash ON users BEGIN
  UPDATE users SET password_changed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
                   update_time = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  WHERE id = NEW.id;
END;
CREATE TRIGGER users_enabled_changed AFTER UPDATE OF enabled ON users BEGIN
  UPDATE users SET update_time = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  secret_id TEXT NOT NULL,
  grantee_type TEXT NOT NULL,
  grantee_id TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  validity_time INTEGER,
  UNIQUE (secret_id, grantee_type, grantee_id)
);
CREATE INDEX grants_by_grantee ON grants (grantee_id);
CREATE TRIGGER grants_removed_with_secret AFTER DELETE ON secrets BEGIN
  DELETE FROM grants WHERE secret_id = OLD.id;
END;
)sql",
    // 14: the number of secrets of each project, kept by trigger, so the quota check of a create
    // reads one row instead of counting the project's secrets (O(n) per create: with a raised
    // --secret-quota it made the group-commit writer CPU-bound at a few thousand secrets).
    R"sql(
CREATE TABLE project_secret_counts (
  project_id TEXT PRIMARY KEY,
  secrets INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO project_secret_counts (project_id, secrets)
  SELECT project_id, count(*) FROM secrets GROUP BY project_id;
CREATE TRIGGER secrets_counted_on_insert AFTER INSERT ON secrets BEGIN
  INSERT INTO project_secret_counts (project_id, secrets) VALUES (NEW.project_id, 1)
    ON CONFLICT (project_id) DO UPDATE SET secrets = secrets + 1;
END;
CREATE TRIGGER secrets_counted_on_delete AFTER DELETE ON secrets BEGIN
  UPDATE project_secret_counts SET secrets = secrets - 1 WHERE project_id = OLD.project_id;
END;
)sql",
    // 15: the registry of database instances that RDS-FG / GaussDB-FG secrets rotate in (issue 12).
    R"sql(
CREATE TABLE db_instances (
  project_id TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  engine TEXT NOT NULL,
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  tls_mode TEXT NOT NULL,
  ca_file TEXT NOT NULL,
  admin_secret TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (project_id, instance_id)
) WITHOUT ROWID;
)sql",
    // 16: master-key versions (docs/keys.md): where each version of the csms/default master key
    // lives (never the key or a PIN), its check value and state, and the one row of the background
    // re-wrap's progress.
    R"sql(
CREATE TABLE master_key_versions (
  version INTEGER PRIMARY KEY,
  provider TEXT NOT NULL,
  file TEXT NOT NULL DEFAULT '',
  pkcs11_module TEXT NOT NULL DEFAULT '',
  pkcs11_token TEXT NOT NULL DEFAULT '',
  pkcs11_key TEXT NOT NULL DEFAULT '',
  pkcs11_pin_file TEXT NOT NULL DEFAULT '',
  fingerprint TEXT NOT NULL,
  check_value BLOB NOT NULL,
  state TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  retire_time INTEGER
);
CREATE TABLE master_key_rewrap (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  target_version INTEGER NOT NULL,
  pass INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  cursor1 TEXT NOT NULL,
  cursor2 TEXT NOT NULL,
  cursor3 TEXT NOT NULL,
  cursor_number INTEGER NOT NULL,
  scanned INTEGER NOT NULL,
  rewrapped INTEGER NOT NULL,
  pass_moved INTEGER NOT NULL,
  unreadable INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  finish_time INTEGER
);
)sql",
    // 17: five record-page indexes instead of eight (decision 134). The indexes for a secret, an
    // event or both filters with a trigger type (notifications_page_st, _et, _set) hold the type
    // before the time, so they serve the same filters without a type too, as one walk per type
    // merged in order; those without the type (_s, _e, _se) go, and notifications_by_time with them
    // (the page indexes lead with project_id as well). Each index fewer is one entry fewer to write for every
    // notification inserted, and one fewer to move at its final outcome (the status leads them all).
    R"sql(
DROP INDEX notifications_page_s;
DROP INDEX notifications_page_e;
DROP INDEX notifications_page_se;
DROP INDEX notifications_by_time;
)sql",
};

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }

std::string MigrationScript(size_t from_version) {
  std::string script = "BEGIN IMMEDIATE;";
  for (size_t i = from_version; i < std::size(kMigrations); ++i) {
    script += kMigrations[i];
    script += ";INSERT INTO schema_version (version) VALUES (" + std::to_string(i + 1) + ");";
  }
  script += "COMMIT;";
  return script;
}

}  // namespace csms::sqlite
