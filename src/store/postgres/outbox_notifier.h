// The sending side of the wake-ups across replicas (outbox_listener.h is the receiving side): after
// a commit that wrote notifications due now, the store rings this, and one thread sends
// `NOTIFY csms_outbox` on a connection of its own, as a transaction of its own with
// synchronous_commit off.
//
// Why not with the writer's COMMIT: a transaction that notifies holds a database-wide lock from its
// commit until its commit record is flushed, so notifying commits flush the WAL one at a time
// instead of together, and each trigger's commit waited for the previous ones' fsyncs
// (bench/postgres_delivery_bench.cc, decision 129). Sent after the commit, the wake-up also
// never reaches another replica before the rows it announces are visible there.
//
// Rings while a NOTIFY is on its way are folded into the next one: a burst of commits costs one or
// two NOTIFYs. The commit's own replica is woken in-process (the service's wake callback), so this
// only spreads the work; a NOTIFY lost to a failed connection or a crash between the commit and the
// NOTIFY delays nothing past the dispatchers' poll. Thread-safe: Ring from any thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace csms::postgres {

class Connection;

// Its connection's application_name (pg_stat_activity), beside the pool's "csmsd".
inline constexpr const char* kNotifierApplicationName = "csmsd outbox notifier";

class OutboxNotifier {
 public:
  // Starts the thread; it connects at the first ring (and again after a failure).
  OutboxNotifier(std::string url, std::string password);
  // Sends a ring still pending if its connection is open (best effort), then stops the thread.
  ~OutboxNotifier();
  OutboxNotifier(const OutboxNotifier&) = delete;
  OutboxNotifier& operator=(const OutboxNotifier&) = delete;

  // Asks for one NOTIFY after every commit made so far. Never blocks on the network.
  void Ring();

 private:
  void Run();
  // One NOTIFY, connecting first if need be and `may_connect` (and once more on a new connection
  // when an old one fails); on failure the connection is dropped and the failure logged once per
  // outage.
  void Send(bool may_connect);

  const std::string url_, password_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool rung_ = false;      // guarded by mu_
  bool stopping_ = false;  // guarded by mu_

  // The thread's own (no lock).
  std::unique_ptr<Connection> conn_;
  bool logged_ = false;

  std::thread thread_;  // last: started once the members above exist
};

}  // namespace csms::postgres
