// Wake-ups across replicas: one dedicated libpq connection per process runs LISTEN csms_outbox and
// calls back when another process (or this one) commits notifications that are due now; writers
// send NOTIFY csms_outbox just after their COMMIT (outbox_notifier.h). The connection waits on its socket
// (poll, never busy) together with an eventfd that ends the thread at once. A lost connection is
// reopened with backoff (100 ms doubling up to 5 s). The callback runs once each time the
// connection starts listening, the first included, since notifications sent before are gone;
// the dispatcher's poll stays the fallback.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "store/store.h"

namespace csms::postgres {

// The channel every writer of outbox rows notifies.
inline constexpr const char* kOutboxChannel = "csms_outbox";
// The listening connection's application_name (pg_stat_activity).
inline constexpr const char* kListenerApplicationName = "csmsd outbox listener";

class OutboxListener final : public StoreWatch {
 public:
  // Starts the thread (it connects on its own: a database that is down now is retried).
  OutboxListener(std::string url, std::string password, std::function<void()> on_wake,
                 std::chrono::milliseconds check_interval);
  ~OutboxListener() override;  // stops the thread, closes the connection

 private:
  void Run();
  // Waits up to `timeout` for a ring of the stop eventfd; true when stopping.
  bool WaitForStop(std::chrono::milliseconds timeout);

  const std::string url_, password_;
  const std::function<void()> on_wake_;
  const std::chrono::milliseconds check_interval_;
  int stop_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace csms::postgres
