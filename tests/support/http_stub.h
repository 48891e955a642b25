// HttpStub: a tiny local HTTP server for tests that need a peer of csmsd (a rotation function, a
// webhook receiver). It answers every request with the scripted status, body and delay, and keeps
// what it received. Loopback only; one connection at a time is plenty for tests.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace csms::test {

struct StubRequest {
  std::string method, target, body, content_type;
};

class HttpStub {
 public:
  HttpStub();
  ~HttpStub();

  uint16_t port() const { return port_; }
  std::string Url(const std::string& path = "/") const;

  // What the next requests get.
  void Respond(int status, std::string body, std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  std::vector<StubRequest> Requests();

 private:
  void Serve();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
  std::mutex mu_;
  int status_ = 200;
  std::string body_ = "{}";
  std::chrono::milliseconds delay_{0};
  std::vector<StubRequest> requests_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace csms::test
