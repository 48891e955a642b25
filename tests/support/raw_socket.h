// Raw TCP for tests of the HTTP server's framing and connection handling, where a real HTTP
// client would hide what matters (smuggled bytes, slow senders, bodies after HEAD, idle floods).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/http_client.h"  // RawResponse

namespace csms::test {

// One blocking client connection to 127.0.0.1:port.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  // From another loopback address (e.g. "127.0.0.2"): a second client as the server sees it.
  RawConnection(uint16_t port, const char* source_ip);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False when the bytes could not all be sent (the peer closed or reset the connection).
  bool Send(std::string_view bytes);
  // Reads one response: status line, headers, then Content-Length bytes of body, or none when
  // `head` (the answer to a HEAD). nullopt when none arrived complete before `timeout`.
  std::optional<RawResponse> ReadResponse(std::chrono::milliseconds timeout, bool head = false);
  // True when the server closes the connection (EOF or reset) before `timeout`. Bytes that
  // arrive meanwhile are appended to *received when given.
  bool WaitClosed(std::chrono::milliseconds timeout, std::string* received = nullptr);
  // Whether the server has closed the connection, looking without waiting.
  bool ClosedNow();
  // Bytes received and not consumed by ReadResponse.
  const std::string& pending() const { return buffer_; }

 private:
  // Reads what is available within `timeout` into buffer_; false on EOF, error or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
};

// A TCP server that accepts connections and reads requests but never answers, until Release()
// closes every connection: a webhook target that hangs.
class SilentServer {
 public:
  SilentServer();
  ~SilentServer();
  uint16_t port() const { return port_; }
  // Connections that have sent at least one byte.
  size_t ConnectionsWithData();
  // Closes every accepted connection (the callers see the peer go away) and keeps accepting.
  void Release();

 private:
  void Loop();

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<bool> got_data_;
  std::thread thread_;
};

}  // namespace csms::test
