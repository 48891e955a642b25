// The connections of an HttpServer, across its I/O threads (private to http/server*): the
// connection cap, the list of idle keep-alive connections to shed under descriptor pressure,
// the back-off of accept(2) when descriptors run out, and the counters behind ServerStats.
//
// Why: every connection holds a descriptor, and so do the database, the delivery client and the
// rotation calls. Rather than let those fail, the server keeps at most max_connections open and,
// when it must make room, closes the connection that has waited the longest for a request (it
// loses nothing: it was not in the middle of an exchange). A connection busy with a request is
// never shed.
//
// Asio only (no Beast, which compiles slowly): the registry posts to I/O threads and waits on
// their timers.
#pragma once

#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "http/exchange.h"
#include "http/message.h"

namespace csms::http {

class SessionBase;
struct IoWorker;

struct IdleEntry {
  SessionBase* session = nullptr;  // valid while linked: a session unlinks itself before it dies
  std::weak_ptr<SessionBase> weak;
  IoWorker* worker = nullptr;
};

// One connection, as the registry, the Exchange and the server's shutdown see it. Every virtual
// is called on the connection's own I/O thread (ReleasePending: after that thread has stopped).
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void OnShutdown() = 0;
  // Closes the connection if it is still waiting for a request (under descriptor pressure).
  virtual void CloseIfIdle() = 0;
  // The handler's answer, on the connection's I/O thread.
  virtual void Complete(HttpResponse response) = 0;
  // After the I/O thread stopped: drops a request still waiting for its answer.
  virtual void ReleasePending() = 0;

  // The idle list's hook, guarded by the ConnectionRegistry's lock.
  bool idle_linked = false;
  std::list<IdleEntry>::iterator idle_it;
};

// One I/O thread: its io_context, its SO_REUSEPORT acceptor (none on a write I/O thread) and the
// connections it runs. Not thread-safe: everything but mailbox (see Mailbox), ioc (to post to)
// and thread is touched only on its own thread, or after that thread has been joined.
struct IoWorker {
  // Declared before ioc so they outlive it: destroying ioc destroys the sessions still pending
  // (requests running past the shutdown grace), and their destructors unlink from this list.
  std::list<SessionBase*> sessions;  // touched only on this worker's thread
  bool draining = false;
  std::shared_ptr<Mailbox> mailbox = std::make_shared<Mailbox>();
  boost::asio::io_context ioc{1};
  boost::asio::ip::tcp::acceptor acceptor{ioc};
  boost::asio::steady_timer accept_retry{ioc};
  std::chrono::milliseconds accept_backoff{0};
  // A write I/O thread: accepts nothing, and runs until shutdown releases `keep_running`.
  bool writes = false;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_running;
  std::thread thread;
};

// Thread-safe: the counters are atomic and the idle list is under its own lock, because every
// I/O thread may shed another thread's idle connection. max_connections is set before the I/O
// threads start and only read afterwards.
class ConnectionRegistry {
 public:
  int max_connections = 0;
  std::atomic<int64_t> open{0};
  std::atomic<int64_t> accept_errors{0};
  std::atomic<int64_t> idle_closed{0};
  std::atomic<int64_t> refused{0};

  // A connection waiting for a request (may be shed) / no longer waiting. Idempotent.
  void LinkIdle(SessionBase* s, std::weak_ptr<SessionBase> weak, IoWorker* w);
  void UnlinkIdle(SessionBase* s);
  // Asks the connection idle the longest to close (on its own thread); false if none is idle.
  bool CloseOldestIdle();
  // For a connection just accepted: true if it may stay. At the cap, the longest-idle connection
  // is closed to make room; with none idle, false (counted and logged): the caller closes it.
  bool Admit();
  // accept(2) failed on w for lack of descriptors: closes the longest-idle connection and calls
  // `retry` on w's thread after a growing pause (10 ms doubling to 1 s), never in a tight loop.
  // The pause resets when an accept succeeds (w->accept_backoff = 0).
  void OnDescriptorShortage(IoWorker* w, const boost::system::error_code& ec, std::function<void()> retry);
  // One warning per 10 s at most, however hard the pressure.
  void LogPressure(const std::string& what);

 private:
  std::atomic<int64_t> last_pressure_log_ms_{-1'000'000};
  // Connections waiting for a request, longest-waiting first, across all I/O threads.
  std::mutex idle_mu_;
  std::list<IdleEntry> idle_;
};

// An accept(2) failure for lack of descriptors or memory (as opposed to a peer that gave up).
bool IsDescriptorShortage(const boost::system::error_code& ec);
// This process's RLIMIT_NOFILE soft limit (2^20 if unlimited or unknown).
int64_t CurrentOpenFileLimit();

}  // namespace csms::http
