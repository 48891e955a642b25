// PostgreSQL implementation of Store. A pool of connections (opened on demand, kept open, each
// with its own prepared statements) serves reads and writes alike:
//   Read:  BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY (one snapshot, never blocks writers).
//   Write: BEGIN ISOLATION LEVEL SERIALIZABLE, committed iff fn returns ok; a serialization failure
//          or deadlock (40001 / 40P01) rolls back and runs fn again (after 8 failed runs alone
//          among every replica's writes: the write turn, below), so every check-then-write of
//          the services (quotas, name checks, due work claimed by several replicas) holds across
//          processes as it does under SQLite's single writer. Writes of one process take turns
//          through their statements; a commit's wait for the WAL flush overlaps the next write
//          (group commit), and a write run again after a serialization failure runs alone.
//   WriteRelaxed (the dispatcher's claims and outcomes): READ COMMITTED with
//          synchronous_commit = off; its statements guard themselves (FOR UPDATE SKIP LOCKED, the
//          lease owner in the WHERE clause).
#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "common/module_abi.h"
#include "common/module_loader.h"
#include "store/postgres/async_writes.h"
#include "store/postgres/connection.h"
#include "store/postgres/outbox_listener.h"
#include "store/postgres/outbox_notifier.h"
#include "store/postgres/schema.h"
#include "store/postgres/transaction.h"

namespace csms {

namespace {

using postgres::Connection;

enum class Mode { kRead, kWrite, kRelaxed };

// The write turn: a table lock on schema_version, which no request writes (only migrations, at
// start). Every serializable write takes it in ROW SHARE mode, which writes share; a write that
// failed to serialize write_alone_after times takes it in EXCLUSIVE mode for its next run, which
// then runs alone among every replica's writes (it can still fail once: PostgreSQL releases a
// committer's locks a moment before its serializable bookkeeping calls it committed, so a snapshot
// taken in between counts it as concurrent; the next run alone does not meet it). LOCK TABLE is the
// transaction's first statement
// and takes no snapshot, so each run's snapshot comes after its turn: a write that waited behind
// the alone one sees what it committed. Transaction-scoped, so nothing outlives a run, also behind
// PgBouncer in transaction mode. Without it a write could lose to other replicas' writes of the
// same rows 30 times running and answer 503 (bench/postgres.sh, 3 replicas creating in one
// project: 5-9 of ~2,400 creates).
constexpr const char* kShareWriteTurn = "LOCK TABLE schema_version IN ROW SHARE MODE";
constexpr const char* kTakeWriteTurn = "LOCK TABLE schema_version IN EXCLUSIVE MODE";

// The store this thread is inside a transaction of: a nested Read or Write would take a second
// connection (and could wait forever for one), so it is refused as under SQLite.
thread_local const Store* tls_in_transaction = nullptr;

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(PostgresOptions options) : options_(std::move(options)) {}
  ~PostgresStore() override { async_.reset(); }  // its queued writes run while the pool is still here

  Status Init() {
    std::unique_ptr<Connection> conn;
    CSMS_RETURN_IF_ERROR(Connection::Open(options_.url, options_.password, &conn));
    CSMS_RETURN_IF_ERROR(CheckServer(*conn));
    CSMS_RETURN_IF_ERROR(Migrate(*conn));
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(conn));
    open_ = 1;
    return Status::OK();
  }

  std::unique_ptr<StoreWatch> WatchOutbox(std::function<void()> on_wake,
                                          std::chrono::milliseconds check_interval) override {
    return std::make_unique<postgres::OutboxListener>(options_.url, options_.password, std::move(on_wake),
                                                      check_interval);
  }

  // Readiness: the database answers and holds exactly the migrations this binary knows.
  Status CheckSchema() override {
    if (tls_in_transaction == this) return errors::Internal("Store::CheckSchema called inside a transaction");
    std::unique_ptr<Connection> conn;
    Status s = Acquire(&conn);
    if (!s.ok()) return errors::Unavailable("the database cannot be read: " + s.message());
    int64_t version = -1;
    PGresult* r = PQexec(conn->pg(), "SELECT coalesce(max(version), 0) FROM schema_version");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
      version = std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10);
    } else {
      s = conn->ResultError(r, "schema version");
    }
    PQclear(r);
    Release(std::move(conn));
    if (!s.ok()) return errors::Unavailable("the database cannot be read: " + s.message());
    const int64_t expected = static_cast<int64_t>(postgres::Migrations().size());
    if (version != expected) {
      return errors::Unavailable("the database schema is at version " + std::to_string(version) +
                                 ", this csmsd needs " + std::to_string(expected));
    }
    return Status::OK();
  }

  Status Read(const TxFn& fn) override { return Run(fn, Mode::kRead); }
  Status Write(const TxFn& fn) override { return Run(fn, Mode::kWrite); }
  Status WriteRelaxed(const TxFn& fn) override { return Run(fn, Mode::kRelaxed); }
  // On AsyncWrites' one thread (async_writes.h).
  void WriteAsync(TxFn fn, WriteDone done) override { async_->Submit(std::move(fn), std::move(done)); }
  bool WritesAsync() const override { return true; }

 private:
  Status CheckServer(Connection& conn) {
    const char* encoding = PQparameterStatus(conn.pg(), "server_encoding");
    if (encoding == nullptr || std::string(encoding) != "UTF8") {
      return errors::Internal(std::string("the database's encoding is ") + (encoding ? encoding : "unknown") +
                              ", csmsd needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')");
    }
    if (PQserverVersion(conn.pg()) < 130000) {
      return errors::Internal("csmsd needs PostgreSQL 13 or later, the server is " +
                              std::to_string(PQserverVersion(conn.pg())));
    }
    return Status::OK();
  }

  // All pending migrations in one transaction holding a transaction-level advisory lock: a second
  // process starting at the same time waits for the lock, then sees the new version.
  Status Migrate(Connection& conn) {
    CSMS_RETURN_IF_ERROR(conn.ExecScript("BEGIN"));
    Status s = MigrateLocked(conn);
    if (s.ok()) s = conn.ExecScript("COMMIT");
    if (!s.ok()) conn.ExecScript("ROLLBACK").IgnoreError();
    return s;
  }

  Status MigrateLocked(Connection& conn) {
    CSMS_RETURN_IF_ERROR(
        conn.ExecScript("SELECT pg_advisory_xact_lock(" + std::to_string(postgres::kMigrationLockKey) + ")"));
    CSMS_RETURN_IF_ERROR(conn.ExecScript("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"));
    int64_t version = 0;
    {
      PGresult* r = PQexec(conn.pg(), "SELECT coalesce(max(version), 0) FROM schema_version");
      if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        Status s = conn.ResultError(r, "schema version");
        PQclear(r);
        return s;
      }
      version = std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10);
      PQclear(r);
    }
    auto migrations = postgres::Migrations();
    if (version > static_cast<int64_t>(migrations.size())) {
      return errors::Internal("database schema version " + std::to_string(version) +
                              " is newer than this csmsd understands");
    }
    for (size_t i = version; i < migrations.size(); ++i) {
      CSMS_RETURN_IF_ERROR(conn.ExecScript(migrations[i]));
      CSMS_RETURN_IF_ERROR(
          conn.ExecScript("INSERT INTO schema_version (version) VALUES (" + std::to_string(i + 1) + ")"));
    }
    return Status::OK();
  }

  Status Acquire(std::unique_ptr<Connection>* out) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (!idle_.empty()) {
        *out = std::move(idle_.back());
        idle_.pop_back();
        return Status::OK();
      }
      if (open_ < std::max(1, options_.max_connections)) {
        ++open_;
        lock.unlock();
        Status s = Connection::Open(options_.url, options_.password, out);
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

  // Back to the pool only when idle and healthy; otherwise closed (a later Acquire opens another).
  void Release(std::unique_ptr<Connection> conn) {
    bool reusable = !conn->broken() && PQtransactionStatus(conn->pg()) == PQTRANS_IDLE;
    if (!reusable) conn.reset();
    std::lock_guard<std::mutex> lock(mu_);
    if (reusable) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
    cv_.notify_one();
  }

  static std::vector<std::string> Begin(Mode mode, bool alone) {
    switch (mode) {
      case Mode::kRead:
        return {"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"};
      case Mode::kWrite:
        return {"BEGIN ISOLATION LEVEL SERIALIZABLE", alone ? kTakeWriteTurn : kShareWriteTurn};
      case Mode::kRelaxed:
        // The dispatcher's statements find their rows by key (the lease owner's batch by id, due
        // rows by next_attempt_at). A statement is planned once per connection, and planned on a
        // small table (a new database) a sequential scan looks cheaper and stays: every pass then
        // read the whole notification log (found with auto_explain in the benchmark). So could a
        // hash or merge join, whose side on the table is a whole scan of its primary key (seen
        // for the claim's join of its rows to the records, decision 127): each of these joins
        // has a batch on one side and a table read by key on the other, so only nested loops.
        // The settings (SET LOCAL each) in one statement: one message of the pipeline, not four.
        return {"BEGIN ISOLATION LEVEL READ COMMITTED",
                "SELECT set_config('synchronous_commit', 'off', true), set_config('enable_seqscan', 'off', true), "
                "set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)"};
    }
    return {"BEGIN"};
  }

  // One run of fn in a transaction. *retry: it failed to serialize and may run again. With
  // `overlap`, `gate` (a write's turn) is let go once the COMMIT is on its way, and the commit
  // counts as in flight until it returns.
  Status RunOnce(Connection& conn, const TxFn& fn, Mode mode, bool alone, std::unique_lock<std::mutex>& gate,
                 bool overlap, bool* retry) {
    conn.clear_retryable();
    conn.clear_outbox_due();
    // BEGIN travels with the first statement (connection.h): one round trip less per transaction.
    conn.BeginLazily(Begin(mode, alone));
    // Only the dispatcher's transactions (WriteRelaxed) read their deferred results after the commit.
    conn.set_allow_defer(mode == Mode::kRelaxed);
    postgres::PgTransaction tx(conn);
    tls_in_transaction = this;
    Status s;
    try {
      s = fn(tx);
    } catch (...) {
      tls_in_transaction = nullptr;
      conn.set_allow_defer(false);
      conn.Rollback();
      throw;
    }
    tls_in_transaction = nullptr;
    conn.set_allow_defer(false);
    if (s.ok() && PQtransactionStatus(conn.pg()) == PQTRANS_INERROR) {
      // A statement failed and fn went on as if not (PostgreSQL aborted the transaction).
      s = errors::Internal("postgresql: a statement of the transaction failed");
    }
    if (s.ok()) {
      // One round trip, with whatever deferred statements are still pending. The other replicas
      // hear of new due notifications after it (outbox_notifier.h), never with it.
      const auto commit_start = std::chrono::steady_clock::now();
      bool in_flight = false;
      s = conn.Commit([&] {
        if (!overlap || !gate.owns_lock()) return;
        {
          // At most half the pool in commits at once: the dispatcher and the reads keep theirs
          // (past that, a write keeps its turn until its commit returns).
          std::lock_guard<std::mutex> lock(commit_mu_);
          if (commits_in_flight_ >= std::max(1, options_.max_connections / 2)) return;
          ++commits_in_flight_;
        }
        in_flight = true;
        gate.unlock();
      });
      if (in_flight) {
        {
          std::lock_guard<std::mutex> lock(commit_mu_);
          --commits_in_flight_;
        }
        commit_cv_.notify_all();
      }
      if (mode != Mode::kRead) CountCommit(s.ok(), std::chrono::steady_clock::now() - commit_start);
      if (s.ok() && conn.outbox_due()) notifier_.Ring();
    } else {
      conn.Rollback();
    }
    *retry = !s.ok() && conn.retryable();
    return s;
  }

  // Every write commits alone (no group writer): a group of one in the figures /metrics shows.
  void CountCommit(bool ok, std::chrono::steady_clock::duration took) {
    const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
    std::lock_guard<std::mutex> lock(stats_mu_);
    if (!ok) {
      ++stats_.groups_failed;
      return;
    }
    ++stats_.groups;
    ++stats_.jobs;
    ++stats_.group_sizes[0];
    stats_.last_group_size = 1;
    stats_.max_group_size = 1;
    stats_.last_commit_us = us;
    stats_.max_commit_us = std::max(stats_.max_commit_us, us);
    stats_.total_commit_us += us;
  }

 public:
  StoreStats stats() const override {
    std::lock_guard<std::mutex> lock(stats_mu_);
    StoreStats s = stats_;
    s.async_jobs = async_->submitted();
    return s;
  }

 private:
  Status Run(const TxFn& fn, Mode mode) {
    if (tls_in_transaction == this) {
      return errors::Internal("Store::Read or Write called inside a transaction of the same store");
    }
    const int attempts = mode == Mode::kRead ? 1 : std::max(1, options_.write_attempts);
    Status s;
    for (int attempt = 0; attempt < attempts; ++attempt) {
      if (attempt > 0) Backoff(attempt);
      // Serializable writes of this process take turns through their statements (as under
      // SQLite's one writer), so they rarely fail each other: without the gate, N requests
      // creating secrets in one project all update its counter row, and each commit fails the
      // N - 1 others (a retry storm that answered 503 under 64 clients). The turn ends once the
      // COMMIT is sent, not when it returns: the next write's statements overlap this one's wait
      // for the WAL flush, and PostgreSQL flushes the commits that meet there together (group
      // commit: the fsync is paid once for all of them). A write that touched a row still being
      // committed fails once (serialization failure); run again, it waits for this replica's
      // commits in flight and keeps its turn through its own commit, so it cannot fail so twice.
      std::unique_lock<std::mutex> gate(write_gate_, std::defer_lock);
      const bool overlap = mode == Mode::kWrite && attempt == 0;
      if (mode == Mode::kWrite) {
        gate.lock();
        if (!overlap) {
          std::unique_lock<std::mutex> lock(commit_mu_);
          commit_cv_.wait(lock, [this] { return commits_in_flight_ == 0; });
        }
      }
      std::unique_ptr<Connection> conn;
      CSMS_RETURN_IF_ERROR(Acquire(&conn));
      const bool alone = mode == Mode::kWrite && attempt >= std::max(1, options_.write_alone_after);
      bool retry = false;
      try {
        s = RunOnce(*conn, fn, mode, alone, gate, overlap, &retry);
      } catch (...) {
        Release(std::move(conn));
        throw;
      }
      Release(std::move(conn));
      if (!retry) return s;
    }
    return errors::Unavailable("the database kept refusing to serialize the transaction: " + s.message());
  }

  // Up to a few milliseconds, growing with the attempt, jittered so that two replicas that
  // collided do not collide again in step.
  static void Backoff(int attempt) {
    thread_local std::minstd_rand rng(std::random_device{}());
    int cap_us = std::min(20'000, 500 << std::min(attempt, 5));
    std::uniform_int_distribution<int> us(0, cap_us);
    std::this_thread::sleep_for(std::chrono::microseconds(us(rng)));
  }

  PostgresOptions options_;
  mutable std::mutex stats_mu_;
  StoreStats stats_;
  std::mutex write_gate_;
  std::mutex commit_mu_;  // commits_in_flight_: overlapped commits not answered yet
  std::condition_variable commit_cv_;
  int commits_in_flight_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
  postgres::OutboxNotifier notifier_{options_.url, options_.password};
  std::unique_ptr<postgres::AsyncWrites> async_ =
      std::make_unique<postgres::AsyncWrites>([this](const TxFn& fn) { return Run(fn, Mode::kWrite); }, 1024);
};

}  // namespace

namespace {

Status OpenInModule(const PostgresOptions& options, std::unique_ptr<Store>* out) {
  if (UrlHasPassword(options.url)) {
    return errors::InvalidParameter(
        "the database URL carries a password: give it with --database-password-file or in "
        "CSMS_DATABASE_PASSWORD / PGPASSWORD instead (a command line is visible to every user of the machine)");
  }
  auto store = std::make_unique<PostgresStore>(options);
  CSMS_RETURN_IF_ERROR(store->Init());
  *out = std::move(store);
  return Status::OK();
}

}  // namespace
}  // namespace csms

// The module's entry point (common/module_loader.h).
extern "C" const csms::PostgresStoreModule* csms_postgres_store_module() {
  static const csms::PostgresStoreModule module{csms::kModuleAbiVersion, &csms::OpenInModule};
  return &module;
}
