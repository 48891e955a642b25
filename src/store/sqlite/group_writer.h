// GroupWriter: the one writer of a SQLite store. It owns one connection; Submit queues a write
// transaction (a TxFn) and blocks until the group holding it has committed or failed; SubmitAsync
// queues one and returns (its callback tells the result).
//
// A group is one SQLite transaction: BEGIN IMMEDIATE, then each queued write under its own
// SAVEPOINT (RELEASE when it returns ok; ROLLBACK TO + RELEASE when it fails, so a conflict, a
// validation error or a quota found inside the transaction undoes that write alone), then one COMMIT
// (one fsync with synchronous=FULL) and every caller of the group wakes with its own Status. If the
// COMMIT fails, every write of the group fails. The writer takes what is queued: a lone write
// commits at once (no waiting for company); a group ends when the queue is empty, at
// max_group_jobs writes, or once its writes have bound max_group_bytes of text and blob parameters.
//
// Synchronous writes need no writer thread: one of the callers runs each group (LevelDB-style
// leader). A caller that finds no group running leads: it runs groups from the front of the queue
// on its own thread until its own write is done, wakes the callers its group finished, then hands
// the lead to the caller at the front of the queue (one wake-up). A lone write therefore commits on its caller's thread
// with no hand-off at all, and a group costs one wake-up per caller, not two more for a writer thread. Only one thread
// at a time uses the connection (the lead passes under the mutex).
//
// Durability: a group holding any durable write commits with synchronous=FULL. A group of relaxed
// writes only (the dispatcher's claims and outcomes) commits with synchronous=NORMAL; a relaxed write
// queued behind a durable one simply rides in its group. With a non-durable store (synchronous
// NORMAL or OFF) the connection's setting is never changed.
//
// Asynchronous writes (SubmitAsync, decision NN): the caller queues the write and returns at once;
// it never leads and never waits, so an event loop may call it. When nobody leads, the lead goes to
// the writer's own thread (started on the first asynchronous write), which runs groups until the
// queue is empty and then sleeps. Whoever leads runs synchronous and asynchronous writes alike in
// its groups; an asynchronous write's callback runs on the leading thread once its group's COMMIT
// is durable (or failed), with the lock released. A synchronous leader whose own write is done hands
// the lead to the front of the queue: a waiting caller, or the writer's thread for an asynchronous
// write. Under load the leader finds company queued, so a write costs no wake-up of its own.
//
// Backpressure: at most queue_limit writes wait; Submit answers Unavailable at once beyond that.
// A TxFn runs on the thread leading its group: it must not call Store::Read or Store::Write (Submit
// from inside a group is refused as an internal error rather than deadlocking) and should do no heavy
// CPU work (password hashing and the like happen before Write).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace csms::sqlite {

struct GroupWriterOptions {
  bool durable = true;  // the store commits with synchronous=FULL (relaxed-only groups may use NORMAL)
  int queue_limit = 512;
  int max_group_jobs = 64;
  size_t max_group_bytes = 1 << 20;
  int nice = 0;  // the writer thread's nice increment (SqliteOptions::writer_nice)
};

class GroupWriter {
 public:
  // Opens a fresh connection in place of one that could not be brought out of its transaction.
  using Reopen = std::function<Status(std::unique_ptr<Connection>*)>;

  GroupWriter(std::unique_ptr<Connection> conn, Reopen reopen, GroupWriterOptions options);
  // Waits until every write still queued (held or not) has run, then closes the connection.
  ~GroupWriter();
  GroupWriter(const GroupWriter&) = delete;
  GroupWriter& operator=(const GroupWriter&) = delete;

  // Runs fn in the next group; blocks until that group committed or failed. An exception thrown by
  // fn rolls back its savepoint and is rethrown here, on the caller's thread.
  Status Submit(const Store::TxFn& fn, bool durable);
  // Queues fn (durable) and returns; `done` runs once, as Store::WriteAsync says. Never blocks on
  // the disk or a running group (only on the queue's mutex, held for queue operations alone).
  void SubmitAsync(Store::TxFn fn, Store::WriteDone done);
  void Hold(bool held);
  StoreStats Stats() const;
  // True on a thread running a group of this writer (a TxFn running).
  bool OnWriterThread() const { return tls_leader_ == this; }

 private:
  struct Job;
  // Runs groups until `own` is done, then hands the lead on; called with mu_ held (and leading_
  // set for this thread), returns without it.
  void Lead(Job* own, std::unique_lock<std::mutex>& lock);
  // Gives the lead to the caller at the front of the queue (or, for an asynchronous write, to the
  // writer's thread) when nobody leads and writes may run (mu_ held). True when the writer's thread
  // is to be woken: the caller calls thread_wake_.notify_one() after releasing mu_.
  [[nodiscard]] bool HandOffLocked();
  // Tells the finished writes of a group their results: wakes the waiting callers (except `own`)
  // and runs the asynchronous writes' callbacks (then frees them). Without mu_.
  void Complete(std::vector<Job*>* finished, const Job* own);
  // The writer's thread: leads when handed the lead, runs groups until the queue is empty.
  void ThreadMain();
  // Runs one group; called and returns with mu_ held, runs the transaction without it. The writes
  // it finished (done set, not yet woken) are appended to *finished.
  void RunGroup(std::unique_lock<std::mutex>& lock, std::vector<Job*>* finished);
  // The next write that may join the group of this durability, or nullptr (mu_ held).
  Job* NextJob(bool group_full, size_t group_jobs, size_t group_bytes);
  // Brings the connection to the group's synchronous setting and opens the transaction.
  Status Begin(bool full);
  // Runs one write under its savepoint; false when the transaction itself is gone (a failed
  // ROLLBACK TO, or SQLite rolled everything back), with the reason in *broken.
  bool RunJob(Job* job, Status* broken);
  // Closes a connection whose state is unknown; the next group opens a fresh one.
  void DropConnection();

  std::unique_ptr<Connection> conn_;
  Reopen reopen_;
  const GroupWriterOptions options_;
  bool conn_full_;  // the connection's synchronous setting is FULL

  static thread_local const GroupWriter* tls_leader_;  // the writer whose group this thread runs

  mutable std::mutex mu_;
  std::condition_variable idle_;  // the destructor waits for the queue to drain
  std::deque<Job*> queue_;
  bool leading_ = false;  // a caller runs groups (or has been handed the lead)
  bool held_ = false;
  bool stopping_ = false;
  StoreStats stats_;
  std::vector<Job*> group_;  // the running group's writes (the leader only)

  // The writer's own thread (for asynchronous writes), started by the first of them.
  std::thread thread_;
  std::condition_variable thread_wake_;  // with mu_
  bool thread_lead_ = false;             // the lead has been handed to the thread (mu_)
  bool thread_stop_ = false;
};

}  // namespace csms::sqlite
