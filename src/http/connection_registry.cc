#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include "http/connection_registry.h"

#include <boost/asio/post.hpp>

#include <sys/resource.h>

#include <algorithm>

#include "common/log.h"
#include "http/server.h"

namespace csms::http {

namespace asio = boost::asio;

void ConnectionRegistry::LinkIdle(SessionBase* s, std::weak_ptr<SessionBase> weak, IoWorker* w) {
  std::lock_guard<std::mutex> lock(idle_mu_);
  if (s->idle_linked) return;
  s->idle_it = idle_.insert(idle_.end(), IdleEntry{s, std::move(weak), w});
  s->idle_linked = true;
}

void ConnectionRegistry::UnlinkIdle(SessionBase* s) {
  std::lock_guard<std::mutex> lock(idle_mu_);
  if (!s->idle_linked) return;
  idle_.erase(s->idle_it);
  s->idle_linked = false;
}

bool ConnectionRegistry::CloseOldestIdle() {
  IdleEntry e;
  {
    std::lock_guard<std::mutex> lock(idle_mu_);
    if (idle_.empty()) return false;
    e = std::move(idle_.front());
    idle_.pop_front();
    e.session->idle_linked = false;
  }
  // The session belongs to its own I/O thread, and may end before the post runs: hence the weak
  // pointer, and CloseIfIdle checking again that it still waits for a request.
  asio::post(e.worker->ioc, [weak = std::move(e.weak)] {
    if (auto s = weak.lock()) s->CloseIfIdle();
  });
  return true;
}

bool ConnectionRegistry::Admit() {
  if (open.load() < max_connections || CloseOldestIdle()) return true;
  // Every connection is busy: this one would take a descriptor the database may need.
  refused.fetch_add(1);
  LogPressure("connection cap reached with no idle connection, refusing connections");
  return false;
}

void ConnectionRegistry::OnDescriptorShortage(IoWorker* w, const boost::system::error_code& ec,
                                              std::function<void()> retry) {
  accept_errors.fetch_add(1);
  CloseOldestIdle();
  w->accept_backoff = std::clamp(w->accept_backoff * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  LogPressure("accept failed: " + ec.message() + "; closing idle connections, retrying in " +
              std::to_string(w->accept_backoff.count()) + " ms");
  w->accept_retry.expires_after(w->accept_backoff);
  w->accept_retry.async_wait([w, retry = std::move(retry)](boost::system::error_code wait_ec) {
    if (wait_ec || !w->acceptor.is_open()) return;
    retry();
  });
}

void ConnectionRegistry::LogPressure(const std::string& what) {
  int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  int64_t last = last_pressure_log_ms_.load();
  if (now - last < 10'000 || !last_pressure_log_ms_.compare_exchange_strong(last, now)) return;
  log::Warn("http: " + what + " (open connections " + std::to_string(open.load()) + ", cap " +
            std::to_string(max_connections) + "; so far: accept failures " + std::to_string(accept_errors.load()) +
            ", idle connections closed " + std::to_string(idle_closed.load()) + ", refused " +
            std::to_string(refused.load()) + ")");
}

bool IsDescriptorShortage(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors ||
         ec == boost::system::error_code(ENFILE, boost::system::system_category()) ||
         ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

int64_t CurrentOpenFileLimit() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<int64_t>(rl.rlim_cur);
}

int64_t RaiseOpenFileLimit() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur != rl.rlim_max) {
    struct rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  return rl.rlim_cur == RLIM_INFINITY ? int64_t{1} << 20 : static_cast<int64_t>(rl.rlim_cur);
}

int DefaultMaxConnections(int64_t open_file_limit) {
  int64_t reserve = std::clamp<int64_t>(open_file_limit / 4, 32, 1024);
  int64_t cap = std::min<int64_t>(open_file_limit - reserve, 1'000'000);
  return static_cast<int>(std::max<int64_t>(cap, 16));
}

}  // namespace csms::http
