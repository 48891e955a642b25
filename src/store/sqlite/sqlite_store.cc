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
#include "store/sqlite/grant_repository.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/schema.h"
#include "store/store.h"

namespace csms {
namespace {

using sqlite::Connection;
using sqlite::Statement;

// A FIFO lock for writers: they get the database in arrival order. A plain mutex lets a thread
// that commits in a loop take it straight back, starving the others (the delivery dispatcher
// behind a burst of triggers waited for hundreds of milliseconds).
class FifoMutex {
 public:
  void lock() {
    std::unique_lock<std::mutex> l(mu_);
    const uint64_t ticket = next_++;
    cv_.wait(l, [&] { return serving_ == ticket; });
  }
  void unlock() {
    {
      std::lock_guard<std::mutex> l(mu_);
      ++serving_;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_ = 0, serving_ = 0;
};

// One transaction's view: the repositories, all bound to the transaction's connection.
class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(Connection& conn)
      : identity_(conn),
        events_(conn),
        records_(conn),
        secrets_(conn),
        tasks_(conn),
        access_keys_(conn),
        delivery_(conn),
        grants_(conn) {}
  IdentityRepository& identity() override { return identity_; }
  EventRepository& events() override { return events_; }
  RecordRepository& records() override { return records_; }
  SecretRepository& secrets() override { return secrets_; }
  TaskRepository& tasks() override { return tasks_; }
  AccessKeyRepository& access_keys() override { return access_keys_; }
  DeliveryRepository& delivery() override { return delivery_; }
  GrantRepository& grants() override { return grants_; }

 private:
  sqlite::SqliteIdentityRepository identity_;
  sqlite::SqliteEventRepository events_;
  sqlite::SqliteRecordRepository records_;
  sqlite::SqliteSecretRepository secrets_;
  sqlite::SqliteTaskRepository tasks_;
  sqlite::SqliteAccessKeyRepository access_keys_;
  sqlite::SqliteDeliveryRepository delivery_;
  sqlite::SqliteGrantRepository grants_;
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
    if (s.ok()) {
      Release(conn);
    } else {
      Discard(conn);  // a failed migration may have left it inside its transaction
    }
    return s;
  }

  Status Read(const TxFn& fn) override { return RunTx(fn, "BEGIN"); }
  // Writers of this process queue on a mutex rather than in SQLite's busy handler, which polls with
  // growing sleeps and under load lets a writer wait for seconds while others keep winning.
  Status Write(const TxFn& fn) override {
    std::lock_guard<FifoMutex> lock(write_mu_);
    return RunTx(fn, "BEGIN IMMEDIATE");
  }
  // synchronous=NORMAL for this one commit: no fsync; the WAL is written in order, so the next
  // synced commit makes it durable along with its own.
  Status WriteRelaxed(const TxFn& fn) override {
    std::lock_guard<FifoMutex> lock(write_mu_);
    return RunTx(fn, "BEGIN IMMEDIATE", /*relaxed=*/options_.synchronous_full);
  }

 private:
  // A connection goes back to the pool only in the state every caller expects: outside any
  // transaction and, when the store is durable, at synchronous=FULL. One that cannot be brought
  // back to that state (a failed ROLLBACK, a failed restore of synchronous=FULL) is closed instead:
  // reused, it would run the next caller's statements inside a stale transaction, or commit its
  // "durable" writes without fsync.
  Status RunTx(const TxFn& fn, const char* begin, bool relaxed = false) {
    Connection* conn = nullptr;
    CSMS_RETURN_IF_ERROR(Acquire(&conn));
    if (relaxed) {
      Status s = RunControl(conn, "PRAGMA synchronous=NORMAL");
      if (!s.ok()) {
        Discard(conn);  // its synchronous setting is unknown
        return s;
      }
    }
    Status s = RunControl(conn, begin);
    if (s.ok()) {
      SqliteTransaction tx(*conn);
      s = fn(tx);
      if (s.ok()) s = RunControl(conn, "COMMIT");
      // After a failed body or COMMIT the outcome is s; a failed ROLLBACK shows in InTransaction.
      if (!s.ok()) RunControl(conn, "ROLLBACK").IgnoreError();
    }
    bool reusable = !InTransaction(conn);
    if (relaxed && !RunControl(conn, "PRAGMA synchronous=FULL").ok()) reusable = false;
    if (reusable) {
      Release(conn);
    } else {
      Discard(conn);
    }
    return s;
  }

  static bool InTransaction(Connection* conn) { return sqlite3_get_autocommit(conn->db()) == 0; }

  // BEGIN / COMMIT / ROLLBACK (string literals) from the connection's statement cache: they run
  // twice per request, and sqlite3_exec would parse them anew each time (~14% of the instructions
  // of a GET of one event). Failures read exactly as ExecScript's did.
  static Status RunControl(Connection* conn, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    CSMS_RETURN_IF_ERROR(conn->Prepare(sql, &raw));
    Statement stmt(raw);
    if (stmt.Exec().ok()) return Status::OK();
    return errors::Internal(std::string("sqlite: ") + sqlite3_errmsg(conn->db()));
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

  // Closes a connection that must not be reused; a later Acquire opens a fresh one in its place.
  // (The ephemeral ":memory:" store has no later: its one connection is its database. Closing it
  // would lose everything, so it is kept, rolled back as far as SQLite allows.)
  void Discard(Connection* conn) {
    if (options_.path == ":memory:") return Release(conn);
    delete conn;
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
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
        // Init discards this connection whatever the ROLLBACK does; the migration's error is the news.
        conn->ExecScript("ROLLBACK").IgnoreError();
        return s;
      }
    }
    return Status::OK();
  }

  SqliteOptions options_;
  FifoMutex write_mu_;
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
