// Checkpointer: WAL checkpoints off the commit path. SQLite's automatic checkpoint (every 1000 WAL
// pages) runs inside the COMMIT that crosses the mark, on the writer's connection: that group's
// callers all wait while up to 1000 pages are copied into the database file and it is fsynced, and
// no other group commits meanwhile (a p99 of every write burst). Instead, the writer connection's
// automatic checkpoint is off and its WAL hook (called after each commit with the WAL's size) wakes
// this thread, which runs a PASSIVE checkpoint on a connection of its own, beside the writer and the
// readers (WAL lets all three run at once; PASSIVE never waits for a lock).
//
// A pass is asked for once the WAL has grown by wal_pages since the last pass started (not at every
// commit past the mark: each pass costs an fsync of the database file). A WAL starts over from its
// beginning only when a write finds every frame copied back, which a steady stream of commits beside
// a background checkpoint may never allow. So once the WAL has grown past a hard limit, the commit
// crossing it checkpoints inline as SQLite would (cheap by then: the background passes have copied
// all but the last frames), and the next write restarts the WAL.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace csms::sqlite {

struct CheckpointOptions {
  int wal_pages = 1000;         // a background checkpoint once the WAL holds this many pages
  int inline_wal_pages = 8000;  // ... and an inline one by the committing writer beyond this many
  int nice = 0;                 // the checkpoint thread's nice increment (SqliteOptions::writer_nice)
};

class Checkpointer {
 public:
  using Opener = std::function<Status(std::unique_ptr<Connection>*)>;

  // Starts the thread; `conn` is its own connection to the same database.
  Checkpointer(std::unique_ptr<Connection> conn, CheckpointOptions options);
  // The same, the thread opening its connection with `open` before its first pass: opening one
  // (SQLite reads the whole schema) is no part of start-up. A failed open is logged and retried at
  // the next pass.
  Checkpointer(Opener open, CheckpointOptions options);
  // Stops the thread (a running checkpoint finishes first).
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Turns the automatic checkpoint of the writer's connection `db` off and has its commits report
  // here instead. Call again for every new writer connection.
  void Attach(sqlite3* db);

  int64_t background_checkpoints() const { return background_.load(std::memory_order_relaxed); }
  int64_t inline_checkpoints() const { return inline_.load(std::memory_order_relaxed); }

 private:
  static int WalHook(void* self, sqlite3* db, const char* schema, int wal_pages);
  void Committed(sqlite3* db, int wal_pages);
  void Loop();

  Opener open_;                       // null once conn_ is set
  std::unique_ptr<Connection> conn_;  // the thread's only, once open
  const CheckpointOptions options_;
  std::atomic<bool> wanted_{false};  // a checkpoint is asked for and has not started
  std::atomic<int> passed_{0};       // WAL pages when the last background pass ran
  std::atomic<int64_t> background_{0};
  std::atomic<int64_t> inline_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace csms::sqlite
