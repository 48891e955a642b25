#include "store/sqlite/group_writer.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <utility>

#include "common/errors.h"
#include "common/log.h"
#include "common/this_thread.h"
#include "store/sqlite/transaction.h"

namespace csms::sqlite {

struct GroupWriter::Job {
  const Store::TxFn* fn = nullptr;
  bool durable = true;
  Status result;
  std::exception_ptr exception;
  bool done = false;  // result is final (mu_)
  // An asynchronous write (SubmitAsync) owns its transaction and is told its result by `callback`;
  // it never waits, never leads and is freed once the callback has run.
  Store::TxFn owned_fn;
  Store::WriteDone callback;
  bool async() const { return static_cast<bool>(callback); }

  // What the caller waits for: its turn to lead, or its write done. Not a std::binary_semaphore:
  // libstdc++'s acquire spins with sched_yield before it sleeps, and with 64 callers waiting those
  // yields were a tenth of the process's CPU (a context switch each). The mutex and condition
  // variable belong to the caller's thread and are shared with the signaller, so the signal is
  // sent after the unlock (a woken caller does not find the mutex still held and sleep again)
  // and stays valid even if the caller has already returned and its Job is gone.
  enum class Turn { kWait, kLead, kDone };
  struct Waiter {
    std::mutex m;
    std::condition_variable cv;
  };
  std::shared_ptr<Waiter> waiter;  // a synchronous write's caller (ThisThreadsWaiter)
  Turn turn = Turn::kWait;         // waiter->m

  static std::shared_ptr<Waiter> ThisThreadsWaiter() {
    thread_local std::shared_ptr<Waiter> waiter = std::make_shared<Waiter>();
    return waiter;
  }
  void Signal(Turn t) {
    std::shared_ptr<Waiter> w = waiter;  // this Job may be gone once turn is set
    {
      std::lock_guard<std::mutex> lock(w->m);
      turn = t;
    }
    w->cv.notify_one();
  }
  Turn Await() {
    std::unique_lock<std::mutex> lock(waiter->m);
    waiter->cv.wait(lock, [this] { return turn != Turn::kWait; });
    Turn t = turn;
    turn = Turn::kWait;
    return t;
  }
};

thread_local const GroupWriter* GroupWriter::tls_leader_ = nullptr;

GroupWriter::GroupWriter(std::unique_ptr<Connection> conn, Reopen reopen, GroupWriterOptions options)
    : conn_(std::move(conn)), reopen_(std::move(reopen)), options_(options), conn_full_(options.durable) {
  stats_.queue_limit = options_.queue_limit;
}

GroupWriter::~GroupWriter() {
  std::unique_lock<std::mutex> lock(mu_);
  stopping_ = true;  // held or not, what is queued runs
  if (HandOffLocked()) thread_wake_.notify_one();
  idle_.wait(lock, [this] { return !leading_ && queue_.empty(); });
  thread_stop_ = true;
  lock.unlock();
  thread_wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Status GroupWriter::Submit(const Store::TxFn& fn, bool durable) {
  if (OnWriterThread()) {
    return errors::Internal("Store::Write called inside a write transaction (it would wait for itself)");
  }
  Job job;
  job.fn = &fn;
  job.durable = durable;
  job.waiter = Job::ThisThreadsWaiter();
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return errors::Unavailable("the database is closing");
  if (static_cast<int>(queue_.size()) >= options_.queue_limit) {
    ++stats_.rejected;
    return errors::Unavailable("too many writes are waiting for the database (" + std::to_string(options_.queue_limit) +
                               "); retry later");
  }
  queue_.push_back(&job);
  stats_.queue_depth = static_cast<int64_t>(queue_.size());
  bool lead = !leading_ && !(held_ && !stopping_);
  if (lead) leading_ = true;
  lock.unlock();
  // Someone else leads (or writes are held): wait until this write is done or the lead comes here.
  if (lead || job.Await() == Job::Turn::kLead) {
    lock.lock();
    Lead(&job, lock);
  }
  if (job.exception) std::rethrow_exception(job.exception);
  return job.result;
}

void GroupWriter::Lead(Job* own, std::unique_lock<std::mutex>& lock) {
  std::vector<Job*> finished;
  for (;;) {
    if (held_ && !stopping_) {
      // Held between groups: give the lead up; Hold(false) hands it to the front of the queue.
      leading_ = false;
      lock.unlock();
      if (own->Await() == Job::Turn::kDone) return;
      lock.lock();
      continue;
    }
    tls_leader_ = this;
    RunGroup(lock, &finished);
    tls_leader_ = nullptr;
    lock.unlock();
    // The group's callers wake before the lead passes on: writes arriving meanwhile queue up for the
    // next group rather than each starting a small one (the fewer the commits, the fewer the pages
    // written twice and the syncs).
    Complete(&finished, own);
    lock.lock();
    if (own->done) {
      leading_ = false;
      const bool wake = HandOffLocked();
      if (!leading_) idle_.notify_all();
      lock.unlock();
      if (wake) thread_wake_.notify_one();
      return;
    }
  }
}

void GroupWriter::Complete(std::vector<Job*>* finished, const Job* own) {
  for (Job* job : *finished) {
    if (job == own) continue;
    if (!job->async()) {
      job->Signal(Job::Turn::kDone);
      continue;
    }
    Status result = job->result;
    if (job->exception) {
      try {
        std::rethrow_exception(job->exception);
      } catch (const std::exception& e) {
        log::Error(std::string("an asynchronous database write threw: ") + e.what());
      } catch (...) {
        log::Error("an asynchronous database write threw");
      }
    }
    // Still marked as this writer's thread: a callback calling Submit is refused, not deadlocked.
    tls_leader_ = this;
    try {
      job->callback(std::move(result));
    } catch (const std::exception& e) {
      log::Error(std::string("the callback of an asynchronous database write threw: ") + e.what());
    } catch (...) {
      log::Error("the callback of an asynchronous database write threw");
    }
    tls_leader_ = nullptr;
    delete job;
  }
  finished->clear();
}

bool GroupWriter::HandOffLocked() {
  if (leading_ || queue_.empty() || (held_ && !stopping_)) return false;
  leading_ = true;
  if (!queue_.front()->async()) {
    queue_.front()->Signal(Job::Turn::kLead);
    return false;
  }
  thread_lead_ = true;
  if (!thread_.joinable()) thread_ = std::thread([this] { ThreadMain(); });
  return true;
}

void GroupWriter::SubmitAsync(Store::TxFn fn, Store::WriteDone done) {
  auto job = std::make_unique<Job>();
  job->owned_fn = std::move(fn);
  job->fn = &job->owned_fn;
  job->callback = std::move(done);
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) {
    lock.unlock();
    job->callback(errors::Unavailable("the database is closing"));
    return;
  }
  if (static_cast<int>(queue_.size()) >= options_.queue_limit) {
    ++stats_.rejected;
    lock.unlock();
    job->callback(errors::Unavailable("too many writes are waiting for the database (" +
                                      std::to_string(options_.queue_limit) + "); retry later"));
    return;
  }
  ++stats_.async_jobs;
  queue_.push_back(job.release());
  stats_.queue_depth = static_cast<int64_t>(queue_.size());
  const bool wake = HandOffLocked();
  lock.unlock();
  if (wake) thread_wake_.notify_one();
}

void GroupWriter::ThreadMain() {
  NameThisThread("csms-writer");
  LowerThisThreadsPriority(options_.nice);
  std::vector<Job*> finished;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    thread_wake_.wait(lock, [this] { return thread_lead_ || thread_stop_; });
    if (!thread_lead_) return;  // stopping, and nothing handed over
    thread_lead_ = false;
    // Leads (leading_ was set by the hand-off) until nothing may run.
    while (!queue_.empty() && !(held_ && !stopping_)) {
      tls_leader_ = this;
      RunGroup(lock, &finished);
      tls_leader_ = nullptr;
      lock.unlock();
      Complete(&finished, nullptr);
      lock.lock();
    }
    leading_ = false;
    idle_.notify_all();
  }
}

void GroupWriter::Hold(bool held) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = held;
    stats_.held = held;
    if (!held) wake = HandOffLocked();
  }
  if (wake) thread_wake_.notify_one();
}

StoreStats GroupWriter::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

GroupWriter::Job* GroupWriter::NextJob(bool group_full, size_t group_jobs, size_t group_bytes) {
  if (queue_.empty() || (held_ && !stopping_)) return nullptr;
  if (group_jobs > 0) {
    if (static_cast<int>(group_jobs) >= options_.max_group_jobs || group_bytes >= options_.max_group_bytes)
      return nullptr;
    // A durable write never joins a relaxed group: it would commit without fsync.
    if (options_.durable && !group_full && queue_.front()->durable) return nullptr;
  }
  Job* job = queue_.front();
  queue_.pop_front();
  stats_.queue_depth = static_cast<int64_t>(queue_.size());
  return job;
}

Status GroupWriter::Begin(bool full) {
  if (!conn_) {
    CSMS_RETURN_IF_ERROR(reopen_(&conn_));
    conn_full_ = options_.durable;
  }
  // The setting may not change inside a transaction, so it is chosen for the whole group here.
  if (options_.durable && conn_full_ != full) {
    Status s = RunControl(*conn_, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    if (!s.ok()) {
      DropConnection();  // its setting is unknown: never commit a durable write on it
      return s;
    }
    conn_full_ = full;
  }
  return RunControl(*conn_, "BEGIN IMMEDIATE");
}

bool GroupWriter::RunJob(Job* job, Status* broken) {
  Status s = RunControl(*conn_, "SAVEPOINT write");
  if (s.ok()) {
    SqliteTransaction tx(*conn_);
    try {
      s = (*job->fn)(tx);
    } catch (...) {
      job->exception = std::current_exception();
      s = errors::Internal("the write threw an exception");
    }
    if (s.ok()) s = RunControl(*conn_, "RELEASE write");
    if (!s.ok() && InTransaction(*conn_)) {
      Status undo = RunControl(*conn_, "ROLLBACK TO write");
      if (undo.ok()) undo = RunControl(*conn_, "RELEASE write");
      if (!undo.ok()) {
        job->result = s;
        *broken = undo;
        return false;
      }
    }
  }
  job->result = s;
  if (!InTransaction(*conn_)) {
    // SQLite rolled the whole transaction back (e.g. an I/O error): the earlier writes are gone.
    *broken = s.ok() ? errors::Internal("sqlite: the group's transaction ended unexpectedly") : s;
    return false;
  }
  return true;
}

void GroupWriter::DropConnection() {
  conn_.reset();
  conn_full_ = options_.durable;
}

void GroupWriter::RunGroup(std::unique_lock<std::mutex>& lock, std::vector<Job*>* finished) {
  // FULL when any write that may join the group is durable; then relaxed ones ride along.
  bool full = false;
  if (options_.durable) {
    const size_t n = std::min(queue_.size(), static_cast<size_t>(std::max(options_.max_group_jobs, 1)));
    for (size_t i = 0; i < n && !full; ++i) full = queue_[i]->durable;
  }
  group_.clear();
  size_t bytes = 0;
  Job* first = NextJob(full, 0, 0);
  if (!first) return;
  lock.unlock();

  Status failure = Begin(full);
  if (!failure.ok()) {
    // Nothing ran: this write fails, the others stay queued for the next group.
    first->result = failure;
    if (conn_ && InTransaction(*conn_)) RunControl(*conn_, "ROLLBACK").IgnoreError();
    lock.lock();
    ++stats_.groups_failed;
    first->done = true;
    finished->push_back(first);
    return;
  }
  for (Job* job = first; job;) {
    group_.push_back(job);
    const size_t before = tls_bound_bytes;
    if (!RunJob(job, &failure)) break;
    bytes += tls_bound_bytes - before;
    lock.lock();
    job = NextJob(full, group_.size(), bytes);
    lock.unlock();
  }

  int64_t commit_us = 0;
  if (failure.ok()) {
    const auto t0 = std::chrono::steady_clock::now();
    failure = RunControl(*conn_, "COMMIT");
    commit_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  }
  if (!failure.ok()) {
    log::Error("database write group of " + std::to_string(group_.size()) + " failed: " + failure.ToString());
    if (InTransaction(*conn_)) RunControl(*conn_, "ROLLBACK").IgnoreError();
    if (InTransaction(*conn_)) DropConnection();  // never run the next group inside a stale transaction
    // A write that failed alone keeps its own answer; the others did not commit.
    for (Job* job : group_) {
      if (job->result.ok()) job->result = failure;
    }
  }

  lock.lock();
  const int64_t size = static_cast<int64_t>(group_.size());
  if (failure.ok()) {
    ++stats_.groups;
    stats_.jobs += size;
    for (Job* job : group_) {
      if (!job->result.ok()) ++stats_.jobs_failed;
    }
    stats_.last_group_size = size;
    stats_.max_group_size = std::max(stats_.max_group_size, size);
    int bucket = 0;
    while (bucket + 1 < StoreStats::kGroupSizeBuckets && (int64_t{2} << bucket) <= size) ++bucket;
    ++stats_.group_sizes[bucket];
    stats_.last_commit_us = commit_us;
    stats_.max_commit_us = std::max(stats_.max_commit_us, commit_us);
    stats_.total_commit_us += commit_us;
  } else {
    ++stats_.groups_failed;
  }
  // The statistics already show this group when its callers wake.
  for (Job* job : group_) {
    job->done = true;
    finished->push_back(job);
  }
  group_.clear();
}

}  // namespace csms::sqlite
