#include "support/raw_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace csms::test {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<int64_t>(ms, 0));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

RawConnection::RawConnection(uint16_t port) : RawConnection(port, nullptr) {}

RawConnection::RawConnection(uint16_t port, const char* source_ip) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  if (source_ip != nullptr) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source_ip, &source.sin_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof(source)) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawConnection::Fill(Clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  int r = ::poll(&p, 1, RemainingMs(deadline));
  if (r <= 0) return false;
  char buf[8192];
  ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<size_t>(n));
  return true;
}

std::optional<RawResponse> RawConnection::ReadResponse(std::chrono::milliseconds timeout, bool head) {
  auto deadline = Clock::now() + timeout;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return std::nullopt;
  }
  std::string header = buffer_.substr(0, end);
  RawResponse res;
  size_t line_end = header.find("\r\n");
  std::string status_line = header.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return std::nullopt;
  res.status = std::atoi(status_line.c_str() + 9);
  size_t pos = line_end == std::string::npos ? header.size() : line_end + 2;
  while (pos < header.size()) {
    size_t next = header.find("\r\n", pos);
    if (next == std::string::npos) next = header.size();
    std::string line = header.substr(pos, next - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      res.headers[Lower(line.substr(0, colon))] = value;
    }
    pos = next + 2;
  }
  size_t length = 0;
  if (!head && res.status != 204 && res.status != 304 && res.status >= 200) {
    length = static_cast<size_t>(std::atoll(res.Header("content-length").c_str()));
  }
  while (buffer_.size() < end + 4 + length) {
    if (!Fill(deadline)) return std::nullopt;
  }
  res.body = buffer_.substr(end + 4, length);
  buffer_.erase(0, end + 4 + length);
  return res;
}

bool RawConnection::WaitClosed(std::chrono::milliseconds timeout, std::string* received) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (eof_ || fd_ < 0) break;
    if (!Fill(deadline)) {
      if (eof_) break;
      if (Clock::now() >= deadline) return false;
    }
  }
  if (received) *received += buffer_;
  buffer_.clear();
  return true;
}

bool RawConnection::ClosedNow() {
  if (eof_ || fd_ < 0) return true;
  while (Fill(Clock::now())) {
  }
  return eof_;
}

SilentServer::SilentServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::listen(listen_fd_, 64);
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

SilentServer::~SilentServer() {
  stop_ = true;
  thread_.join();
  Release();
  ::close(listen_fd_);
}

size_t SilentServer::ConnectionsWithData() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<size_t>(std::count(got_data_.begin(), got_data_.end(), true));
}

void SilentServer::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  for (int fd : fds_) ::close(fd);
  fds_.clear();
  got_data_.clear();
}

void SilentServer::Loop() {
  while (!stop_) {
    std::vector<pollfd> polls;
    {
      std::lock_guard<std::mutex> lock(mu_);
      polls.push_back({listen_fd_, POLLIN, 0});
      for (int fd : fds_) polls.push_back({fd, POLLIN, 0});
    }
    if (::poll(polls.data(), polls.size(), 50) <= 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (polls[0].revents & POLLIN) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        fds_.push_back(fd);
        got_data_.push_back(false);
      }
    }
    for (size_t i = 1; i < polls.size(); ++i) {
      if (!(polls[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      auto it = std::find(fds_.begin(), fds_.end(), polls[i].fd);
      if (it == fds_.end()) continue;  // released meanwhile
      char buf[4096];
      ssize_t n = ::recv(polls[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
      if (n > 0) got_data_[static_cast<size_t>(it - fds_.begin())] = true;
    }
  }
}

}  // namespace csms::test
