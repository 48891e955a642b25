// SQLite implementation of Store: WAL mode, a small pool of connections (one per concurrent
// caller, opened once and reused), cached prepared statements, BEGIN IMMEDIATE for writers so two
// writers never deadlock on a lock upgrade.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/errors.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/schema.h"
#include "store/store.h"

namespace csms {
namespace {

using sqlite::Connection;
using sqlite::Statement;

std::string JoinEventTypes(const std::vector<EventType>& types) {
  std::string out;
  for (EventType t : types) {
    if (!out.empty()) out += ',';
    out += EventTypeName(t);
  }
  return out;
}

std::vector<EventType> SplitEventTypes(const std::string& text) {
  std::vector<EventType> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (auto t = ParseEventType(std::string_view(text).substr(start, end - start))) out.push_back(*t);
    start = end + 1;
  }
  return out;
}

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(Connection* conn) : conn_(conn) {}

  // ---- identity ----
  Status InsertDomain(const Domain& d) override {
    return Run("INSERT INTO domains (id, name, create_time) VALUES (?1, ?2, strftime('%s','now')*1000)",
               [&](Statement& s) { s.Bind(1, d.id).Bind(2, d.name); });
  }
  Status GetDomainByName(const std::string& name, Domain* out) override {
    return One("SELECT id, name FROM domains WHERE name = ?1", "domain", [&](Statement& s) { s.Bind(1, name); },
               [&](Statement& s) { *out = Domain{s.Text(0), s.Text(1)}; });
  }
  Status GetDomainById(const std::string& id, Domain* out) override {
    return One("SELECT id, name FROM domains WHERE id = ?1", "domain", [&](Statement& s) { s.Bind(1, id); },
               [&](Statement& s) { *out = Domain{s.Text(0), s.Text(1)}; });
  }
  Status InsertProject(const Project& p) override {
    return Run(
        "INSERT INTO projects (id, name, domain_id, create_time) VALUES (?1, ?2, ?3, strftime('%s','now')*1000)",
        [&](Statement& s) { s.Bind(1, p.id).Bind(2, p.name).Bind(3, p.domain_id); });
  }
  Status GetProjectById(const std::string& id, Project* out) override {
    return One("SELECT id, name, domain_id FROM projects WHERE id = ?1", "project",
               [&](Statement& s) { s.Bind(1, id); },
               [&](Statement& s) { *out = Project{s.Text(0), s.Text(1), s.Text(2)}; });
  }
  Status GetProjectByName(const std::string& domain_id, const std::string& name, Project* out) override {
    return One("SELECT id, name, domain_id FROM projects WHERE domain_id = ?1 AND name = ?2", "project",
               [&](Statement& s) { s.Bind(1, domain_id).Bind(2, name); },
               [&](Statement& s) { *out = Project{s.Text(0), s.Text(1), s.Text(2)}; });
  }
  Status ListProjects(const std::string& domain_id, std::vector<Project>* out) override {
    return Many("SELECT id, name, domain_id FROM projects WHERE domain_id = ?1 ORDER BY name",
                [&](Statement& s) { s.Bind(1, domain_id); },
                [&](Statement& s) { out->push_back(Project{s.Text(0), s.Text(1), s.Text(2)}); });
  }
  Status InsertUser(const User& u) override {
    return Run(
        "INSERT INTO users (id, domain_id, name, password_hash, role, create_time) "
        "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%s','now')*1000)",
        [&](Statement& s) { s.Bind(1, u.id).Bind(2, u.domain_id).Bind(3, u.name).Bind(4, u.password_hash).Bind(5, u.role); });
  }
  Status GetUserByName(const std::string& domain_id, const std::string& name, User* out) override {
    return One("SELECT id, name, domain_id, password_hash, role FROM users WHERE domain_id = ?1 AND name = ?2",
               "user", [&](Statement& s) { s.Bind(1, domain_id).Bind(2, name); },
               [&](Statement& s) { *out = User{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)}; });
  }
  Status GetUserById(const std::string& id, User* out) override {
    return One("SELECT id, name, domain_id, password_hash, role FROM users WHERE id = ?1", "user",
               [&](Statement& s) { s.Bind(1, id); },
               [&](Statement& s) { *out = User{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)}; });
  }
  Status UpdateUserPassword(const std::string& user_id, const std::string& hash) override {
    return RunOne("UPDATE users SET password_hash = ?2 WHERE id = ?1", "user",
                  [&](Statement& s) { s.Bind(1, user_id).Bind(2, hash); });
  }
  Status InsertToken(const TokenRecord& t) override {
    return Run(
        "INSERT INTO tokens (token_hash, user_id, project_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        [&](Statement& s) {
          s.Bind(1, t.token_hash).Bind(2, t.user_id).Bind(3, t.project_id).Bind(4, t.issued_at).Bind(5, t.expires_at);
        });
  }
  Status GetToken(const std::string& hash, TokenRecord* out) override {
    return One("SELECT token_hash, user_id, project_id, issued_at, expires_at FROM tokens WHERE token_hash = ?1",
               "token", [&](Statement& s) { s.Bind(1, hash); },
               [&](Statement& s) { *out = TokenRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4)}; });
  }
  Status DeleteTokensExpiredBefore(int64_t now_ms, int64_t* deleted) override {
    Status s = Run("DELETE FROM tokens WHERE expires_at < ?1", [&](Statement& st) { st.Bind(1, now_ms); });
    *deleted = s.ok() ? sqlite3_changes(conn_->db()) : 0;
    return s;
  }

  // ---- events ----
  Status CountEvents(const std::string& project_id, int64_t* count) override {
    return One("SELECT count(*) FROM events WHERE project_id = ?1", "count",
               [&](Statement& s) { s.Bind(1, project_id); }, [&](Statement& s) { *count = s.Int(0); });
  }
  Status InsertEvent(const Event& e) override {
    return Run(
        "INSERT INTO events (project_id, name, event_id, event_types, state, target_type, target_id, target_name, "
        "create_time, update_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        [&](Statement& s) { BindEvent(s, e); });
  }
  Status GetEvent(const std::string& project_id, const std::string& name, Event* out) override {
    return One(
        "SELECT project_id, name, event_id, event_types, state, target_type, target_id, target_name, create_time, "
        "update_time FROM events WHERE project_id = ?1 AND name = ?2",
        "event", [&](Statement& s) { s.Bind(1, project_id).Bind(2, name); },
        [&](Statement& s) { *out = ReadEvent(s); });
  }
  Status UpdateEvent(const Event& e) override {
    return RunOne(
        "UPDATE events SET event_id = ?3, event_types = ?4, state = ?5, target_type = ?6, target_id = ?7, "
        "target_name = ?8, create_time = ?9, update_time = ?10 WHERE project_id = ?1 AND name = ?2",
        "event", [&](Statement& s) { BindEvent(s, e); });
  }
  Status DeleteEvent(const std::string& project_id, const std::string& name) override {
    return RunOne("DELETE FROM events WHERE project_id = ?1 AND name = ?2", "event",
                  [&](Statement& s) { s.Bind(1, project_id).Bind(2, name); });
  }
  Status ListEvents(const std::string& project_id, const std::string& after_name, int limit,
                    std::vector<Event>* out) override {
    return Many(
        "SELECT project_id, name, event_id, event_types, state, target_type, target_id, target_name, create_time, "
        "update_time FROM events WHERE project_id = ?1 AND name > ?2 ORDER BY name LIMIT ?3",
        [&](Statement& s) { s.Bind(1, project_id).Bind(2, after_name).Bind(3, limit); },
        [&](Statement& s) { out->push_back(ReadEvent(s)); });
  }

  // ---- notification records ----
  Status InsertRecord(const NotificationRecord& r) override {
    return Run(
        "INSERT INTO notifications (id, project_id, event_name, trigger_event_type, create_time, secret_name, "
        "secret_type, target_type, target_id, target_name, content, status) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        [&](Statement& s) {
          s.Bind(1, r.record_id).Bind(2, r.project_id).Bind(3, r.event_name)
              .Bind(4, EventTypeName(r.trigger_event_type)).Bind(5, r.create_time).Bind(6, r.secret_name)
              .Bind(7, r.secret_type).Bind(8, r.target_type).Bind(9, r.notification_target_id)
              .Bind(10, r.notification_target_name).Bind(11, r.notification_content)
              .Bind(12, NotificationStatusName(r.notification_status));
        });
  }
  Status ListRecords(const RecordQuery& q, std::vector<NotificationRecord>* out) override {
    // One statement serves every filter combination: an absent filter binds NULL and drops out.
    // The (project_id, create_time DESC, id DESC) index drives both the order and the cursor.
    static const char* kSql =
        "SELECT id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type, "
        "target_type, target_id, target_name, content, status FROM notifications "
        "WHERE project_id = ?1 AND create_time >= ?2 "
        "AND (?3 IS NULL OR create_time >= ?3) AND (?4 IS NULL OR create_time <= ?4) "
        "AND (?5 IS NULL OR event_name = ?5) AND (?6 IS NULL OR secret_name = ?6) "
        "AND (?7 IS NULL OR trigger_event_type = ?7) "
        "AND (CASE WHEN ?8 IS NULL THEN status <> 'PENDING' ELSE status = ?8 END) "
        "AND (?9 IS NULL OR create_time < ?9 OR (create_time = ?9 AND id < ?10)) "
        "ORDER BY create_time DESC, id DESC LIMIT ?11";
    return Many(
        kSql,
        [&](Statement& s) {
          s.Bind(1, q.project_id).Bind(2, q.min_create_time);
          q.start_time ? s.Bind(3, *q.start_time) : s.BindNull(3);
          q.end_time ? s.Bind(4, *q.end_time) : s.BindNull(4);
          q.event_name ? s.Bind(5, *q.event_name) : s.BindNull(5);
          q.secret_name ? s.Bind(6, *q.secret_name) : s.BindNull(6);
          q.trigger_event_type ? s.Bind(7, EventTypeName(*q.trigger_event_type)) : s.BindNull(7);
          q.status ? s.Bind(8, NotificationStatusName(*q.status)) : s.BindNull(8);
          q.before_time ? s.Bind(9, *q.before_time) : s.BindNull(9);
          // Without an id the cursor is a plain time bound (the legacy 13-digit marker).
          s.Bind(10, q.before_id.value_or(""));
          s.Bind(11, q.limit);
        },
        [&](Statement& s) {
          NotificationRecord r;
          r.record_id = s.Text(0);
          r.project_id = s.Text(1);
          r.event_name = s.Text(2);
          r.trigger_event_type = ParseEventType(s.Text(3)).value_or(EventType::kVersionCreated);
          r.create_time = s.Int(4);
          r.secret_name = s.Text(5);
          r.secret_type = s.Text(6);
          r.target_type = s.Text(7);
          r.notification_target_id = s.Text(8);
          r.notification_target_name = s.Text(9);
          r.notification_content = s.Text(10);
          r.notification_status = ParseNotificationStatus(s.Text(11)).value_or(NotificationStatus::kPending);
          out->push_back(std::move(r));
        });
  }

 private:
  static void BindEvent(Statement& s, const Event& e) {
    s.Bind(1, e.project_id).Bind(2, e.name).Bind(3, e.event_id).Bind(4, JoinEventTypes(e.event_types))
        .Bind(5, EventStateName(e.state)).Bind(6, TargetTypeName(e.notification.type)).Bind(7, e.notification.id)
        .Bind(8, e.notification.name).Bind(9, e.create_time).Bind(10, e.update_time);
  }
  static Event ReadEvent(Statement& s) {
    Event e;
    e.project_id = s.Text(0);
    e.name = s.Text(1);
    e.event_id = s.Text(2);
    e.event_types = SplitEventTypes(s.Text(3));
    e.state = s.Text(4) == "DISABLED" ? EventState::kDisabled : EventState::kEnabled;
    e.notification.type = s.Text(5) == "WEBHOOK" ? TargetType::kWebhook : TargetType::kSmn;
    e.notification.id = s.Text(6);
    e.notification.name = s.Text(7);
    e.create_time = s.Int(8);
    e.update_time = s.Int(9);
    return e;
  }

  template <typename BindFn>
  Status Run(const char* sql, BindFn bind) {
    sqlite3_stmt* raw = nullptr;
    CSMS_RETURN_IF_ERROR(conn_->Prepare(sql, &raw));
    Statement s(raw);
    bind(s);
    return s.Exec();
  }
  // Like Run, but a statement that touches no row means the row does not exist.
  template <typename BindFn>
  Status RunOne(const char* sql, const char* what, BindFn bind) {
    CSMS_RETURN_IF_ERROR(Run(sql, bind));
    if (sqlite3_changes(conn_->db()) == 0) return Status(Status::Kind::kNotFound, "CSMS.0005", std::string(what) + " not found");
    return Status::OK();
  }
  template <typename BindFn, typename RowFn>
  Status One(const char* sql, const char* what, BindFn bind, RowFn row) {
    sqlite3_stmt* raw = nullptr;
    CSMS_RETURN_IF_ERROR(conn_->Prepare(sql, &raw));
    Statement s(raw);
    bind(s);
    Status st;
    if (s.Step(&st)) {
      row(s);
      return Status::OK();
    }
    if (!st.ok()) return st;
    return Status(Status::Kind::kNotFound, "CSMS.0005", std::string(what) + " not found");
  }
  template <typename BindFn, typename RowFn>
  Status Many(const char* sql, BindFn bind, RowFn row) {
    sqlite3_stmt* raw = nullptr;
    CSMS_RETURN_IF_ERROR(conn_->Prepare(sql, &raw));
    Statement s(raw);
    bind(s);
    Status st;
    while (s.Step(&st)) row(s);
    return st;
  }

  Connection* conn_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteOptions options) : options_(std::move(options)) {
    // Every connection to ":memory:" is a separate database, so the ephemeral store has exactly one.
    if (options_.path == ":memory:") options_.max_connections = 1;
  }
  ~SqliteStore() override {
    for (Connection* c : idle_) delete c;
  }

  Status Init() {
    Connection* conn = nullptr;
    CSMS_RETURN_IF_ERROR(Acquire(&conn));
    Status s = Migrate(conn);
    Release(conn);
    return s;
  }

  Status Read(const TxFn& fn) override { return RunTx(fn, "BEGIN"); }
  Status Write(const TxFn& fn) override { return RunTx(fn, "BEGIN IMMEDIATE"); }

 private:
  Status RunTx(const TxFn& fn, const char* begin) {
    Connection* conn = nullptr;
    CSMS_RETURN_IF_ERROR(Acquire(&conn));
    Status s = conn->ExecScript(begin);
    if (s.ok()) {
      SqliteTransaction tx(conn);
      s = fn(tx);
      if (s.ok()) {
        s = conn->ExecScript("COMMIT");
        if (!s.ok()) conn->ExecScript("ROLLBACK");
      } else {
        conn->ExecScript("ROLLBACK");
      }
    }
    Release(conn);
    return s;
  }

  Status Acquire(Connection** out) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (!idle_.empty()) {
        *out = idle_.back();
        idle_.pop_back();
        return Status::OK();
      }
      if (open_ < options_.max_connections) {
        ++open_;
        lock.unlock();
        Status s = Connection::Open(options_.path, options_.synchronous_full, out);
        if (!s.ok()) {
          lock.lock();
          --open_;
          cv_.notify_one();
        }
        return s;
      }
      cv_.wait(lock);
    }
  }

  void Release(Connection* conn) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(conn);
    cv_.notify_one();
  }

  Status Migrate(Connection* conn) {
    CSMS_RETURN_IF_ERROR(conn->ExecScript("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
    int64_t version = 0;
    {
      sqlite3_stmt* raw = nullptr;
      CSMS_RETURN_IF_ERROR(conn->Prepare("SELECT coalesce(max(version), 0) FROM schema_version", &raw));
      Statement s(raw);
      Status st;
      if (s.Step(&st)) version = s.Int(0);
      CSMS_RETURN_IF_ERROR(st);
    }
    auto migrations = sqlite::Migrations();
    if (version > static_cast<int64_t>(migrations.size())) {
      return errors::Internal("database schema version " + std::to_string(version) +
                              " is newer than this csmsd understands");
    }
    for (size_t i = version; i < migrations.size(); ++i) {
      std::string script = "BEGIN IMMEDIATE;";
      script += migrations[i];
      script += ";INSERT INTO schema_version (version) VALUES (" + std::to_string(i + 1) + ");COMMIT;";
      Status s = conn->ExecScript(script);
      if (!s.ok()) {
        conn->ExecScript("ROLLBACK");
        return s;
      }
    }
    return Status::OK();
  }

  SqliteOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Connection*> idle_;
  int open_ = 0;
};

}  // namespace

Status OpenSqliteStore(const SqliteOptions& options, std::unique_ptr<Store>* out) {
  auto store = std::make_unique<SqliteStore>(options);
  CSMS_RETURN_IF_ERROR(store->Init());
  *out = std::move(store);
  return Status::OK();
}

}  // namespace csms
