// WebhookReceiver: a real HTTP(S) receiver for delivery tests, built on the project's own
// http::HttpServer in the test process. It records every request (with the headers delivery
// tests look at) and answers as the test scripts it; it can be stopped and started again on the
// same port to play a receiver that is down for a while. While stopped it keeps the port bound
// (without listening), so connections are refused and no other test can take the port meanwhile.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "http/server.h"
#include "support/wait.h"

namespace csms::test {

struct ReceivedRequest {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // lower-case names; only those in kRecordedHeaders
  std::chrono::steady_clock::time_point at;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // blocks the receiver's I/O thread (and its other connections)
  // Kept unanswered, without holding any thread, until ReleaseHeld() or Stop() answers it (with
  // this reply): a target that accepted the request and stays silent for as long as the test likes.
  bool hold = false;
};

class WebhookReceiver {
 public:
  struct Options {
    uint16_t port = 0;  // 0: any free port
    int threads = 2;
    std::string cert_file, key_file;  // both set: HTTPS
  };
  // Responder: given the request and its 0-based arrival index, what to answer.
  using Responder = std::function<Reply(const ReceivedRequest&, size_t index)>;

  WebhookReceiver() : WebhookReceiver(Options()) {}
  explicit WebhookReceiver(Options options);  // starts listening
  ~WebhookReceiver();

  bool Start();  // again after Stop, on the same port
  // Stops serving; the port stays reserved (connections to it are refused) until Start or the end.
  // A reply still waiting out its delay is cut short; held requests are answered first.
  void Stop();
  bool running() const { return server_ != nullptr; }
  uint16_t port() const { return port_; }
  // http(s)://<host>:<port><path>; host 127.0.0.1 unless given (TLS tests use "localhost" too).
  std::string Url(const std::string& path = "/hook", const std::string& host = "127.0.0.1") const;

  void SetResponder(Responder responder);
  void RespondAlways(int status, std::string body = "");

  std::vector<ReceivedRequest> Requests();
  size_t Count();
  // The distinct webhook-id values received (the receiver-side de-duplication key).
  std::set<std::string> DistinctIds();
  bool WaitForCount(size_t n, std::chrono::milliseconds timeout);
  bool WaitForDistinctIds(size_t n, std::chrono::milliseconds timeout);
  // Requests held (Reply::hold) and not yet answered.
  size_t HeldCount();
  bool WaitForHeld(size_t n, std::chrono::milliseconds timeout);
  // Answers every held request with its reply.
  void ReleaseHeld();

 private:
  void Handle(std::shared_ptr<http::Exchange> exchange);

  Options options_;
  uint16_t port_ = 0;
  std::unique_ptr<http::HttpServer> server_;
  int reserved_fd_ = -1;  // while stopped: bound to port_, not listening
  std::mutex mu_;
  std::condition_variable stopping_cv_;
  bool stopping_ = false;
  Responder responder_;
  std::vector<ReceivedRequest> requests_;
  std::vector<std::pair<std::shared_ptr<http::Exchange>, Reply>> held_;  // under mu_
};

}  // namespace csms::test
