#include "store/postgres/schema.h"

namespace csms::postgres {
namespace {

// Types: every text column is TEXT COLLATE "C" (byte order, as SQLite's BINARY: names sort and
// compare the same on both engines), integers and epoch-millisecond times are BIGINT, blobs BYTEA.
// SQLite's triggers are PL/pgSQL trigger functions with the same effect.
constexpr std::string_view kMigrations[] = {
    // 1: the SQLite schema 1-14 in one.
    R"sql(
CREATE TABLE domains (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE,
  create_time BIGINT NOT NULL
);
CREATE TABLE projects (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  domain_id TEXT COLLATE "C" NOT NULL REFERENCES domains(id),
  create_time BIGINT NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE users (
  id TEXT COLLATE "C" PRIMARY KEY,
  domain_id TEXT COLLATE "C" NOT NULL REFERENCES domains(id),
  name TEXT COLLATE "C" NOT NULL,
  password_hash TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  enabled BIGINT NOT NULL DEFAULT 1,
  update_time BIGINT,
  password_changed_at BIGINT,
  UNIQUE (domain_id, name)
);
CREATE TABLE tokens (
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  user_id TEXT COLLATE "C" NOT NULL,
  project_id TEXT COLLATE "C" NOT NULL,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX tokens_by_expiry ON tokens (expires_at);
CREATE INDEX tokens_by_user ON tokens (user_id);
CREATE TABLE token_revocations (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  generation BIGINT NOT NULL
);
INSERT INTO token_revocations (id, generation) VALUES (1, 1);

CREATE FUNCTION csms_now_ms() RETURNS BIGINT LANGUAGE sql AS
  $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;

CREATE FUNCTION csms_users_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
    NEW.password_changed_at := csms_now_ms();
    NEW.update_time := csms_now_ms();
  END IF;
  IF NEW.enabled IS DISTINCT FROM OLD.enabled THEN
    NEW.update_time := csms_now_ms();
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_changed BEFORE UPDATE OF password_hash, enabled ON users
  FOR EACH ROW EXECUTE FUNCTION csms_users_changed();

-- A changed password or a disabled user takes the user's tokens with it and moves the revocation
-- generation (SQLite migration 8). Like SQLite's AFTER UPDATE OF, any update naming the column counts.
CREATE FUNCTION csms_tokens_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM tokens WHERE user_id = NEW.id;
  UPDATE token_revocations SET generation = generation + 1 WHERE id = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER tokens_revoked_on_password_change AFTER UPDATE OF password_hash ON users
  FOR EACH ROW EXECUTE FUNCTION csms_tokens_revoked();
CREATE TRIGGER tokens_revoked_on_disable AFTER UPDATE OF enabled ON users
  FOR EACH ROW WHEN (NEW.enabled = 0) EXECUTE FUNCTION csms_tokens_revoked();

CREATE TABLE events (
  project_id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  event_id TEXT COLLATE "C" NOT NULL UNIQUE,
  event_types TEXT COLLATE "C" NOT NULL,
  state TEXT COLLATE "C" NOT NULL,
  target_type TEXT COLLATE "C" NOT NULL,
  target_id TEXT COLLATE "C" NOT NULL,
  target_name TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  representation TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (project_id, name)
);
CREATE TABLE event_generations (
  project_id TEXT COLLATE "C" PRIMARY KEY,
  generation BIGINT NOT NULL
);
CREATE FUNCTION csms_event_generation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN p := OLD.project_id; ELSE p := NEW.project_id; END IF;
  INSERT INTO event_generations (project_id, generation) VALUES (p, 1)
    ON CONFLICT (project_id) DO UPDATE SET generation = event_generations.generation + 1;
  IF TG_OP = 'DELETE' THEN
    DELETE FROM webhook_secrets WHERE project_id = OLD.project_id AND event_name = OLD.name;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER event_generation AFTER INSERT OR UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION csms_event_generation();

CREATE TABLE notifications (
  id TEXT COLLATE "C" PRIMARY KEY,
  project_id TEXT COLLATE "C" NOT NULL,
  event_name TEXT COLLATE "C" NOT NULL,
  trigger_event_type TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  secret_name TEXT COLLATE "C" NOT NULL,
  secret_type TEXT COLLATE "C" NOT NULL,
  target_type TEXT COLLATE "C" NOT NULL,
  target_id TEXT COLLATE "C" NOT NULL,
  target_name TEXT COLLATE "C" NOT NULL,
  content TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  secret_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  sequence BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  attempt_count BIGINT NOT NULL DEFAULT 0,
  round_attempts BIGINT NOT NULL DEFAULT 0,
  round_start BIGINT,
  lease_owner TEXT COLLATE "C",
  last_error TEXT COLLATE "C",
  final_time BIGINT
);
CREATE INDEX notifications_by_time ON notifications (project_id, create_time DESC, id DESC);
CREATE INDEX notifications_dispatch ON notifications (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX notifications_by_age ON notifications (create_time);
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

CREATE TABLE attempts (
  record_id TEXT COLLATE "C" NOT NULL,
  number BIGINT NOT NULL,
  time BIGINT NOT NULL,
  http_status BIGINT NOT NULL,
  latency_us BIGINT NOT NULL,
  error TEXT COLLATE "C" NOT NULL,
  in_doubt BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (record_id, number)
);
CREATE FUNCTION csms_attempts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM attempts WHERE record_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER attempts_follow_notifications AFTER DELETE ON notifications
  FOR EACH ROW EXECUTE FUNCTION csms_attempts_follow();

CREATE TABLE webhook_secrets (
  project_id TEXT COLLATE "C" NOT NULL,
  event_name TEXT COLLATE "C" NOT NULL,
  secret_id TEXT COLLATE "C" NOT NULL,
  sealed BYTEA NOT NULL,
  create_time BIGINT NOT NULL,
  expires_at BIGINT,
  PRIMARY KEY (project_id, event_name, secret_id)
);

CREATE TABLE secrets (
  project_id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  state TEXT COLLATE "C" NOT NULL,
  kms_key_id TEXT COLLATE "C" NOT NULL,
  description TEXT COLLATE "C",
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  scheduled_delete_time BIGINT,
  secret_type TEXT COLLATE "C" NOT NULL,
  auto_rotation BIGINT NOT NULL,
  rotation_period TEXT COLLATE "C",
  rotation_config TEXT COLLATE "C",
  rotation_time BIGINT,
  next_rotation_time BIGINT,
  event_subscription TEXT COLLATE "C",
  enterprise_project_id TEXT COLLATE "C" NOT NULL,
  rotation_func_urn TEXT COLLATE "C",
  last_version BIGINT NOT NULL,
  notification_sequence BIGINT NOT NULL,
  PRIMARY KEY (project_id, name)
);
CREATE INDEX secrets_by_event ON secrets (project_id, event_subscription, name) WHERE event_subscription IS NOT NULL;
CREATE INDEX secrets_rotation_due ON secrets (next_rotation_time) WHERE next_rotation_time IS NOT NULL;
CREATE INDEX secrets_deletion_due ON secrets (scheduled_delete_time) WHERE scheduled_delete_time IS NOT NULL;

CREATE TABLE project_secret_counts (
  project_id TEXT COLLATE "C" PRIMARY KEY,
  secrets BIGINT NOT NULL
);
CREATE TABLE secret_tags (
  secret_id TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  project_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (secret_id, key)
);
CREATE INDEX secret_tags_by_project ON secret_tags (project_id, key, value, secret_id);

CREATE TABLE grants (
  id TEXT COLLATE "C" PRIMARY KEY,
  project_id TEXT COLLATE "C" NOT NULL,
  secret_id TEXT COLLATE "C" NOT NULL,
  grantee_type TEXT COLLATE "C" NOT NULL,
  grantee_id TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  validity_time BIGINT,
  UNIQUE (secret_id, grantee_type, grantee_id)
);
CREATE INDEX grants_by_grantee ON grants (grantee_id);

-- The number of secrets of each project (the quota check reads one row), and what goes with a
-- deleted secret: its tags and grants (SQLite migrations 12-14).
CREATE FUNCTION csms_secrets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO project_secret_counts (project_id, secrets) VALUES (NEW.project_id, 1)
      ON CONFLICT (project_id) DO UPDATE SET secrets = project_secret_counts.secrets + 1;
  ELSE
    UPDATE project_secret_counts SET secrets = secrets - 1 WHERE project_id = OLD.project_id;
    DELETE FROM secret_tags WHERE secret_id = OLD.id;
    DELETE FROM grants WHERE secret_id = OLD.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER secrets_changed AFTER INSERT OR DELETE ON secrets
  FOR EACH ROW EXECUTE FUNCTION csms_secrets_changed();

CREATE TABLE versions (
  secret_id TEXT COLLATE "C" NOT NULL,
  number BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  expire_time BIGINT,
  kms_key_id TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  wrapped_key BYTEA NOT NULL,
  ciphertext BYTEA NOT NULL,
  next_lead BIGINT NOT NULL DEFAULT 0,
  expired_fired BIGINT NOT NULL DEFAULT 0,
  due_time BIGINT,
  UNIQUE (secret_id, number)
);
CREATE INDEX versions_due ON versions (due_time) WHERE due_time IS NOT NULL;

CREATE TABLE stages (
  secret_id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  version_number BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (secret_id, name)
);
CREATE INDEX stages_by_version ON stages (secret_id, version_number);

CREATE TABLE tasks (
  task_id TEXT COLLATE "C" PRIMARY KEY,
  project_id TEXT COLLATE "C" NOT NULL,
  secret_id TEXT COLLATE "C" NOT NULL,
  secret_name TEXT COLLATE "C" NOT NULL,
  rotation_func_urn TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  operate_type TEXT COLLATE "C" NOT NULL,
  task_time BIGINT NOT NULL,
  attempt_nums BIGINT NOT NULL,
  error_code TEXT COLLATE "C" NOT NULL,
  error_msg TEXT COLLATE "C" NOT NULL,
  due_time BIGINT,
  version_id TEXT COLLATE "C"
);
CREATE INDEX tasks_by_time ON tasks (project_id, task_time DESC, task_id DESC);
CREATE INDEX tasks_due ON tasks (due_time) WHERE status = 'RUNNING';
CREATE INDEX tasks_by_age ON tasks (task_time);

CREATE TABLE kms_keys (
  key_id TEXT COLLATE "C" PRIMARY KEY,
  alias TEXT COLLATE "C" NOT NULL UNIQUE,
  check_value BYTEA NOT NULL,
  create_time BIGINT NOT NULL
);

CREATE TABLE access_keys (
  access_key TEXT COLLATE "C" PRIMARY KEY,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
  sealed_secret TEXT COLLATE "C" NOT NULL,
  security_token_hash TEXT COLLATE "C",
  description TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  expires_at BIGINT,
  revoke_time BIGINT
);
CREATE INDEX access_keys_by_user ON access_keys (user_id, create_time);
CREATE INDEX access_keys_by_expiry ON access_keys (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE project_settings (
  project_id TEXT COLLATE "C" PRIMARY KEY,
  checking_secret_strength BIGINT NOT NULL DEFAULT 0,
  update_time BIGINT NOT NULL
);

CREATE TABLE agencies (
  domain_id TEXT COLLATE "C" NOT NULL,
  secret_type TEXT COLLATE "C" NOT NULL,
  agency_id TEXT COLLATE "C" NOT NULL,
  agency_name TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (domain_id, secret_type)
);

CREATE TABLE user_groups (
  id TEXT COLLATE "C" PRIMARY KEY,
  domain_id TEXT COLLATE "C" NOT NULL REFERENCES domains(id),
  name TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE user_group_members (
  group_id TEXT COLLATE "C" NOT NULL REFERENCES user_groups(id),
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX user_group_members_by_user ON user_group_members (user_id, group_id);
)sql",
    // 2: SQLite's 15 (database instances, issue 12) and 16 (master-key versions, docs/keys.md).
    R"sql(
CREATE TABLE db_instances (
  project_id TEXT COLLATE "C" NOT NULL,
  instance_id TEXT COLLATE "C" NOT NULL,
  engine TEXT COLLATE "C" NOT NULL,
  host TEXT COLLATE "C" NOT NULL,
  port BIGINT NOT NULL,
  tls_mode TEXT COLLATE "C" NOT NULL,
  ca_file TEXT COLLATE "C" NOT NULL,
  admin_secret TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (project_id, instance_id)
);
CREATE TABLE master_key_versions (
  version BIGINT PRIMARY KEY,
  provider TEXT COLLATE "C" NOT NULL,
  file TEXT COLLATE "C" NOT NULL DEFAULT '',
  pkcs11_module TEXT COLLATE "C" NOT NULL DEFAULT '',
  pkcs11_token TEXT COLLATE "C" NOT NULL DEFAULT '',
  pkcs11_key TEXT COLLATE "C" NOT NULL DEFAULT '',
  pkcs11_pin_file TEXT COLLATE "C" NOT NULL DEFAULT '',
  fingerprint TEXT COLLATE "C" NOT NULL,
  check_value BYTEA NOT NULL,
  state TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  retire_time BIGINT
);
CREATE TABLE master_key_rewrap (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  target_version BIGINT NOT NULL,
  pass BIGINT NOT NULL,
  kind BIGINT NOT NULL,
  cursor1 TEXT COLLATE "C" NOT NULL,
  cursor2 TEXT COLLATE "C" NOT NULL,
  cursor3 TEXT COLLATE "C" NOT NULL,
  cursor_number BIGINT NOT NULL,
  scanned BIGINT NOT NULL,
  rewrapped BIGINT NOT NULL,
  pass_moved BIGINT NOT NULL,
  unreadable BIGINT NOT NULL,
  start_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  finish_time BIGINT
);
)sql",
    // 3: the outbox (decision 127). The delivery state of a PENDING notification that is due at
    // some time (next_attempt_at not NULL) lives in this narrow row instead of the record: the
    // claim and a retry write only here, so the record row (12 indexes) is written twice per
    // delivery (the trigger's insert, the final outcome) instead of three times or more. For a
    // PENDING record the outbox row is what counts (attempt_count, round_*, last_error,
    // next_attempt_at, lease_owner); the record's own columns hold what they held when the row
    // was made PENDING, and get the final values with the final status. notifications.lease_owner
    // is no longer read or written (kept: `admin migrate` copies SQLite's column into it). A record's
    // outbox row goes with it (the delete trigger, like its attempts). The PENDING rows of an
    // existing database move over with their lease state.
    R"sql(
CREATE TABLE outbox (
  id TEXT COLLATE "C" PRIMARY KEY,
  next_attempt_at BIGINT NOT NULL,
  lease_owner TEXT COLLATE "C",
  attempt_count BIGINT NOT NULL DEFAULT 0,
  round_attempts BIGINT NOT NULL DEFAULT 0,
  round_start BIGINT,
  last_error TEXT COLLATE "C"
);
INSERT INTO outbox (id, next_attempt_at, lease_owner, attempt_count, round_attempts, round_start, last_error)
  SELECT id, next_attempt_at, lease_owner, attempt_count, round_attempts, round_start, last_error
  FROM notifications WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL;
CREATE INDEX outbox_due ON outbox (next_attempt_at);
DROP INDEX notifications_dispatch;
CREATE OR REPLACE FUNCTION csms_attempts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM attempts WHERE record_id = OLD.id;
  DELETE FROM outbox WHERE id = OLD.id;
  RETURN NULL;
END $$;
)sql",
    // 4: five record-page indexes instead of eight (decision 134). The indexes for a secret, an
    // event or both filters with a trigger type (notifications_page_st, _et, _set) hold the type
    // before the time, so they serve the same filters without a type too, as one walk per type
    // merged in order; those without the type (_s, _e, _se) go, and notifications_by_time with them
    // (the page indexes lead with project_id as well). Each index fewer is one entry fewer to write for every
    // notification inserted, and again at its final outcome (a status change is never a HOT update:
    // it adds an entry to every index of the table).
    R"sql(
DROP INDEX notifications_page_s;
DROP INDEX notifications_page_e;
DROP INDEX notifications_page_se;
DROP INDEX notifications_by_time;
)sql",
};

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }

}  // namespace csms::postgres
