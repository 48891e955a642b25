#include "store/sqlite/checkpointer.h"

#include <string>
#include <utility>

#include "common/log.h"
#include "common/this_thread.h"

namespace csms::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn, CheckpointOptions options)
    : conn_(std::move(conn)), options_(options) {
  thread_ = std::thread([this] { Loop(); });
}

Checkpointer::Checkpointer(Opener open, CheckpointOptions options) : open_(std::move(open)), options_(options) {
  thread_ = std::thread([this] { Loop(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::Attach(sqlite3* db) { sqlite3_wal_hook(db, &Checkpointer::WalHook, this); }

int Checkpointer::WalHook(void* self, sqlite3* db, const char* /*schema*/, int wal_pages) {
  static_cast<Checkpointer*>(self)->Committed(db, wal_pages);
  return SQLITE_OK;  // the commit itself succeeded whatever happens here
}

void Checkpointer::Committed(sqlite3* db, int wal_pages) {
  if (wal_pages >= options_.inline_wal_pages) {
    // The background passes cannot catch up with the commits: bound the WAL as SQLite would.
    if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
      inline_.fetch_add(1, std::memory_order_relaxed);
    }
    return;
  }
  // Every wal_pages pages of growth; a WAL that started over counts from 0. Wakes the thread once
  // per pass: the commits before it starts cost an atomic load each.
  int base = passed_.load(std::memory_order_relaxed);
  if (wal_pages < base) base = 0;
  if (wal_pages - base < options_.wal_pages || wanted_.load(std::memory_order_relaxed) || wanted_.exchange(true)) {
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  wake_.notify_one();
}

void Checkpointer::Loop() {
  NameThisThread("csms-checkpoint");
  LowerThisThreadsPriority(options_.nice);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || wanted_.load(); });
    if (stopping_) return;
    lock.unlock();
    wanted_.store(false);
    if (!conn_) {
      Status s = open_(&conn_);
      if (!s.ok()) {
        conn_.reset();
        log::Error("sqlite: cannot open the checkpoint connection: " + s.ToString());
        lock.lock();
        continue;  // the next commit past the mark asks again
      }
    }
    int wal_pages = 0;
    int rc = sqlite3_wal_checkpoint_v2(conn_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_pages, nullptr);
    if (rc == SQLITE_OK) {
      passed_.store(wal_pages, std::memory_order_relaxed);
      background_.fetch_add(1, std::memory_order_relaxed);
    } else if (rc != SQLITE_BUSY) {  // busy: another checkpoint runs; the next commit asks again
      log::Error(std::string("sqlite: background checkpoint failed: ") + sqlite3_errmsg(conn_->db()));
    }
    lock.lock();
  }
}

}  // namespace csms::sqlite
