#include "store/postgres/outbox_listener.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#include "common/log.h"
#include "store/postgres/connection.h"

namespace csms::postgres {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

// Opens the connection and subscribes; nullptr (with the reason logged once per outage) on failure.
std::unique_ptr<Connection> Subscribe(const std::string& url, const std::string& password, bool* logged) {
  std::unique_ptr<Connection> conn;
  Status s = Connection::Open(url, password, &conn);
  if (s.ok()) {
    s = conn->ExecScript(std::string("SET application_name = '") + kListenerApplicationName + "'; LISTEN " +
                         kOutboxChannel);
  }
  if (s.ok()) {
    if (*logged) log::Info("postgresql: outbox wake-ups listening again");
    *logged = false;
    return conn;
  }
  if (!*logged)
    log::Warn("postgresql: cannot listen for outbox wake-ups (retrying; polling meanwhile): " + s.message());
  *logged = true;
  return nullptr;
}

}  // namespace

OutboxListener::OutboxListener(std::string url, std::string password, std::function<void()> on_wake,
                               std::chrono::milliseconds check_interval)
    : url_(std::move(url)),
      password_(std::move(password)),
      on_wake_(std::move(on_wake)),
      check_interval_(std::max(check_interval, std::chrono::milliseconds(100))) {
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  thread_ = std::thread([this] { Run(); });
}

OutboxListener::~OutboxListener() {
  stopping_ = true;
  if (stop_fd_ >= 0) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(stop_fd_, &one, sizeof(one));
  }
  if (thread_.joinable()) thread_.join();
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

bool OutboxListener::WaitForStop(std::chrono::milliseconds timeout) {
  if (stopping_) return true;
  pollfd p{stop_fd_, POLLIN, 0};
  ::poll(&p, 1, static_cast<int>(timeout.count()));
  return stopping_.load();
}

void OutboxListener::Run() {
  std::chrono::milliseconds backoff = kFirstBackoff;
  bool logged = false;
  while (!stopping_) {
    std::unique_ptr<Connection> conn = Subscribe(url_, password_, &logged);
    if (!conn) {
      if (WaitForStop(backoff)) return;
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    backoff = kFirstBackoff;
    // Notifications sent while nobody listened are lost: look once now that we listen. The first
    // time too: the dispatcher's own start-up look may have come before LISTEN took effect, and a
    // claim handed back in between would otherwise wait for the poll.
    on_wake_();
    PGconn* pg = conn->pg();
    for (;;) {
      pollfd fds[2] = {{PQsocket(pg), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      int n = ::poll(fds, 2, static_cast<int>(check_interval_.count()));
      if (stopping_) return;
      if (n == 0) {
        // Quiet for a while: make sure the connection is still there (a silent network loss
        // would otherwise go unnoticed until the next notification that never comes).
        if (!conn->ExecScript("SELECT 1").ok()) break;
      } else if (n < 0 || !(fds[0].revents & (POLLIN | POLLERR | POLLHUP))) {
        continue;  // EINTR, or only the stop fd
      } else if (PQconsumeInput(pg) == 0) {
        break;
      }
      bool rung = false;
      while (PGnotify* note = PQnotifies(pg)) {
        rung = true;
        PQfreemem(note);
      }
      if (rung) on_wake_();
      if (PQstatus(pg) != CONNECTION_OK) break;
    }
    if (!logged) log::Warn("postgresql: the outbox wake-up connection was lost; reconnecting (polling meanwhile)");
    logged = true;
  }
}

}  // namespace csms::postgres
