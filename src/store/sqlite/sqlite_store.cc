// SQLite implementation of Store: WAL mode; reads on a small pool of connections (one per
// concurrent reader, opened once and reused) with cached prepared statements; every write goes to
// the one GroupWriter (group_writer.h), which owns its own connection and commits queued writes in
// groups; WAL checkpoints run beside them on a connection of their own (checkpointer.h).
#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/errors.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/group_writer.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/schema_image.h"
#include "store/sqlite/temp_database.h"
#include "store/sqlite/transaction.h"
#include "store/store.h"

namespace csms {
namespace sqlite {

Status RunControl(Connection& conn, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  CSMS_RETURN_IF_ERROR(conn.Prepare(sql, &raw));
  Statement stmt(raw);
  if (stmt.Exec().ok()) return Status::OK();
  return errors::Internal(std::string("sqlite: ") + sqlite3_errmsg(conn.db()));
}

}  // namespace sqlite

namespace {

using sqlite::Connection;
using sqlite::Statement;

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteOptions options) : options_(std::move(options)) {}
  ~SqliteStore() override {
    writer_.reset();        // runs what is queued
    checkpointer_.reset();  // after the writer: its connection reports commits there
    for (Connection* c : idle_) delete c;
    // temp_ (declared first) goes last: the files are removed once every connection is closed.
  }

  Status Init() {
    if (options_.path == ":memory:") {
      CSMS_RETURN_IF_ERROR(temp_.Create());
      options_.path = temp_.path();
      sync_ = sqlite::Sync::kOff;  // private and gone at exit: nothing to make durable
    } else {
      sync_ = options_.synchronous_full ? sqlite::Sync::kFull : sqlite::Sync::kNormal;
    }
    readers_ = std::max(1, options_.max_connections - 1);
    // A new database starts as the schema image (schema_image.h); an existing one (or a URI) is
    // opened as it is, and Migrate finds the image's version current.
    if (options_.path.rfind("file:", 0) != 0) {
      bool created = false;
      CSMS_RETURN_IF_ERROR(sqlite::CreateFromSchemaImage(options_.path, sync_ != sqlite::Sync::kOff, &created));
    }
    std::unique_ptr<Connection> conn;
    CSMS_RETURN_IF_ERROR(OpenConnection(&conn));
    CSMS_RETURN_IF_ERROR(Migrate(conn.get()));  // on failure the connection is closed, whatever its state
    // Its connection is opened by its thread before its first pass, not here (start-up time).
    checkpointer_ =
        std::make_unique<sqlite::Checkpointer>([this](std::unique_ptr<Connection>* out) { return OpenConnection(out); },
                                               sqlite::CheckpointOptions{.nice = options_.writer_nice});
    checkpointer_->Attach(conn->db());
    sqlite::GroupWriterOptions w;
    w.durable = sync_ == sqlite::Sync::kFull;
    w.queue_limit = std::max(1, options_.write_queue);
    w.max_group_jobs = std::max(1, options_.max_group_jobs);
    w.max_group_bytes = options_.max_group_bytes;
    w.nice = options_.writer_nice;
    writer_ = std::make_unique<sqlite::GroupWriter>(
        std::move(conn),
        [this](std::unique_ptr<Connection>* out) {
          CSMS_RETURN_IF_ERROR(OpenConnection(out));
          checkpointer_->Attach((*out)->db());
          return Status::OK();
        },
        w);
    return Status::OK();
  }

  Status Read(const TxFn& fn) override {
    if (writer_->OnWriterThread()) {
      return errors::Internal("Store::Read called inside a write transaction (it would not see the write)");
    }
    Connection* conn = nullptr;
    CSMS_RETURN_IF_ERROR(Acquire(&conn));
    Status s = sqlite::RunControl(*conn, "BEGIN");
    if (s.ok()) {
      sqlite::SqliteTransaction tx(*conn);
      try {
        s = fn(tx);
      } catch (...) {
        // The connection goes back out of its transaction (or is closed), then the caller sees it.
        sqlite::RunControl(*conn, "ROLLBACK").IgnoreError();
        if (sqlite::InTransaction(*conn)) {
          Discard(conn);
        } else {
          Release(conn);
        }
        throw;
      }
      Status end = sqlite::RunControl(*conn, "COMMIT");
      if (s.ok()) s = end;
      if (!end.ok()) sqlite::RunControl(*conn, "ROLLBACK").IgnoreError();
    }
    // A connection goes back to the pool only outside any transaction: reused, it would run the
    // next caller's statements inside a stale one.
    if (sqlite::InTransaction(*conn)) {
      Discard(conn);
    } else {
      Release(conn);
    }
    return s;
  }
  Status Write(const TxFn& fn) override { return writer_->Submit(fn, /*durable=*/true); }
  Status WriteRelaxed(const TxFn& fn) override { return writer_->Submit(fn, /*durable=*/false); }
  void WriteAsync(TxFn fn, WriteDone done) override { writer_->SubmitAsync(std::move(fn), std::move(done)); }
  bool WritesAsync() const override { return true; }
  StoreStats stats() const override { return writer_->Stats(); }

  Status CheckSchema() override {
    if (writer_->OnWriterThread()) return errors::Internal("Store::CheckSchema called inside a write transaction");
    Connection* conn = nullptr;
    CSMS_RETURN_IF_ERROR(Acquire(&conn));
    int64_t version = -1;
    sqlite3_stmt* raw = nullptr;
    Status st = conn->Prepare("SELECT coalesce(max(version), 0) FROM schema_version", &raw);
    if (st.ok()) {
      Statement s(raw);
      if (s.Step(&st)) version = s.Int(0);
    }
    Release(conn);  // a lone statement in autocommit mode leaves no transaction open
    if (!st.ok()) return errors::Unavailable("the database cannot be read: " + st.message());
    const int64_t expected = static_cast<int64_t>(sqlite::Migrations().size());
    if (version != expected) {
      return errors::Unavailable("the database schema is at version " + std::to_string(version) +
                                 ", this csmsd needs " + std::to_string(expected));
    }
    return Status::OK();
  }
  void HoldWrites(bool held) override { writer_->Hold(held); }

 private:
  Status OpenConnection(std::unique_ptr<Connection>* out) {
    Connection* raw = nullptr;
    CSMS_RETURN_IF_ERROR(Connection::Open(options_.path, sync_, &raw));
    out->reset(raw);
    return Status::OK();
  }

  Status Acquire(Connection** out) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (!idle_.empty()) {
        *out = idle_.back();
        idle_.pop_back();
        return Status::OK();
      }
      if (open_ < readers_) {
        ++open_;
        lock.unlock();
        Status s = Connection::Open(options_.path, sync_, out);
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
  void Discard(Connection* conn) {
    delete conn;
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    cv_.notify_one();
  }

  Status Migrate(Connection* conn) {
    CSMS_RETURN_IF_ERROR(conn->ExecScript(sqlite::kSchemaVersionTableSql));
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
    if (static_cast<size_t>(version) == migrations.size()) return Status::OK();
    const std::string script = sqlite::MigrationScript(static_cast<size_t>(version));
    Status s = conn->ExecScript(script);
    if (!s.ok()) {
      // Init closes this connection whatever the ROLLBACK does; the migration's error is the news.
      conn->ExecScript("ROLLBACK").IgnoreError();
      return s;
    }
    return Status::OK();
  }

  sqlite::TempDatabase temp_;  // first: destroyed last
  SqliteOptions options_;
  sqlite::Sync sync_ = sqlite::Sync::kFull;
  int readers_ = 1;
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;
  std::unique_ptr<sqlite::GroupWriter> writer_;
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
