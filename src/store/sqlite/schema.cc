#include "store/sqlite/schema.h"

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
};

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }

}  // namespace csms::sqlite
