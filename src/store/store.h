// Store: the one storage interface of csms. Services run their work inside Read or Write; a Write
// commits only if the callback returns ok, so a failed request changes nothing, and everything a
// request changes (including the notifications it triggers) lands in one transaction.
//
// Implementations: sqlite/ (embedded default), postgres/ (shared, for replicas).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/access_key_repository.h"
#include "store/agency_repository.h"
#include "store/db_instance_repository.h"
#include "store/delivery_repository.h"
#include "store/event_repository.h"
#include "store/grant_repository.h"
#include "store/identity_repository.h"
#include "store/master_key_repository.h"
#include "store/project_settings_repository.h"
#include "store/record_repository.h"
#include "store/secret_repository.h"
#include "store/tag_repository.h"
#include "store/task_repository.h"

namespace csms {

// A transaction hands out one repository per area; lookups of a missing row return a kNotFound
// Status and inserts that hit a unique key return kConflict. Every query of project data is
// scoped by project_id.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual IdentityRepository& identity() = 0;
  virtual EventRepository& events() = 0;
  virtual RecordRepository& records() = 0;
  virtual SecretRepository& secrets() = 0;
  virtual TaskRepository& tasks() = 0;
  virtual AccessKeyRepository& access_keys() = 0;
  virtual DeliveryRepository& delivery() = 0;
  virtual ProjectSettingsRepository& project_settings() = 0;
  virtual AgencyRepository& agencies() = 0;
  virtual TagRepository& tags() = 0;
  virtual GrantRepository& grants() = 0;
  virtual DbInstanceRepository& db_instances() = 0;
  virtual MasterKeyRepository& master_keys() = 0;
};

// What the writer of a store has done and has waiting (docs/architecture.md, Storage). Writes run in
// groups: one transaction, each write under its own savepoint, one commit for all of them.
struct StoreStats {
  // Histogram of group sizes: bucket i counts groups of [2^i, 2^(i+1)) writes (the last: 128 and up).
  static constexpr int kGroupSizeBuckets = 8;
  int64_t queue_depth = 0;    // writes waiting for the writer
  int64_t queue_limit = 0;    // more are refused (Unavailable) until the writer catches up
  bool held = false;          // HoldWrites(true) is in force
  int64_t groups = 0;         // groups committed
  int64_t jobs = 0;           // writes in committed groups (each ok or rolled back alone to its savepoint)
  int64_t jobs_failed = 0;    // of those, the ones whose own transaction failed (rolled back alone)
  int64_t groups_failed = 0;  // groups whose commit failed (every write of them failed)
  int64_t rejected = 0;       // writes refused because the queue was full
  int64_t async_jobs = 0;     // writes submitted with Store::WriteAsync (counted when queued)
  int64_t last_group_size = 0;
  int64_t max_group_size = 0;
  std::array<int64_t, kGroupSizeBuckets> group_sizes{};
  int64_t last_commit_us = 0;  // the COMMIT statement alone (with synchronous=FULL: the fsync)
  int64_t max_commit_us = 0;
  int64_t total_commit_us = 0;
};

// A running subscription to wake-ups (Store::WatchOutbox); destroying it stops the calls.
class StoreWatch {
 public:
  virtual ~StoreWatch() = default;
};

class Store {
 public:
  using TxFn = std::function<Status(Transaction&)>;
  virtual ~Store() = default;

  // A read-only snapshot.
  virtual Status Read(const TxFn& fn) = 0;
  // A read-write transaction, committed iff fn returns ok (and the commit succeeds).
  virtual Status Write(const TxFn& fn) = 0;
  // Like Write, but the commit may skip the flush to stable storage: it survives a crash of the
  // process, not necessarily a power loss. Only for writes that are safe to lose that way, such as
  // the dispatcher's claims and outcomes (losing one means delivering again: at-least-once).
  virtual Status WriteRelaxed(const TxFn& fn) { return Write(fn); }

  // The end of an asynchronous write: the Status Write would have returned.
  using WriteDone = std::function<void(Status)>;
  // Write without waiting (durable like Write): queues fn and returns. `done` is called exactly
  // once, after the commit holding fn is durable, or with fn's own error (its changes rolled back
  // alone) or the failed commit's; on a thread of the store's, or, when the write is refused at
  // once (a full queue: Unavailable; a closing store), on the calling thread before WriteAsync
  // returns. fn and done must not call Read, Write or WriteRelaxed (done may call WriteAsync), and
  // done should be short: the answers of the rest of the group wait for it. Thread-safe.
  // Only when WritesAsync() is true does WriteAsync never block the caller (no disk, no fsync, no
  // lock held across either: safe on an event loop). The default runs Write on the calling thread.
  virtual void WriteAsync(TxFn fn, WriteDone done) { done(Write(fn)); }
  virtual bool WritesAsync() const { return false; }

  // Readiness (/readyz): a cheap read that also finds every schema migration this binary knows
  // applied; Unavailable with the reason otherwise. The default only opens a read snapshot.
  virtual Status CheckSchema() {
    return Read([](Transaction&) { return Status::OK(); });
  }
  // The writer's figures (queue depth, group sizes, commit latency); zeros for a store without them.
  virtual StoreStats stats() const { return {}; }
  // Wake-ups across processes sharing the database: calls `on_wake` (on a thread of the store's) soon
  // after any process commits notifications that are due now (new triggers, redeliveries, leases
  // handed back), until the returned handle is destroyed. nullptr for a single-process store,
  // whose writers wake their own dispatcher in-process. `check_interval` bounds how long a lost
  // connection goes unnoticed; each time it starts listening (the first time and after a reconnect)
  // the store calls `on_wake` once, for whatever was committed before.
  virtual std::unique_ptr<StoreWatch> WatchOutbox(std::function<void()> on_wake,
                                                  std::chrono::milliseconds check_interval) {
    return nullptr;
  }
  // Test hook (--dev): while held, the writer finishes the group it is running and starts no other,
  // so writes queue up (and the queue bound answers Unavailable once full); false lets them run.
  virtual void HoldWrites(bool held) {}
};

struct SqliteOptions {
  // The database file; ":memory:" for an ephemeral database: a file in a private (0700) temporary
  // directory, WAL, synchronous=OFF, read by several connections, removed when the store closes.
  std::string path;
  bool synchronous_full = true;  // fsync on every commit (survives power loss, not only kill -9)
  int max_connections = 8;       // the writer's one + the readers' (at least one)
  int write_queue = 512;         // writes that may wait for the writer; more are refused (Unavailable)
  int max_group_jobs = 64;       // writes in one group (one transaction, one commit)
  // A group also ends once its writes have handed SQLite this many bytes of text and blob parameters
  // (secret values, notification content: what makes a commit large).
  size_t max_group_bytes = 1 << 20;
  // The writer's and the checkpointer's threads run at this nice increment (0: unchanged): under a
  // burst of writes the CPU goes first to the I/O threads and the readers, so reads keep their
  // latency and writes queue (decision 128).
  int writer_nice = 0;
};

// Opens (creating if needed) an SQLite store and applies pending schema migrations.
Status OpenSqliteStore(const SqliteOptions& options, std::unique_ptr<Store>* out);

}  // namespace csms
