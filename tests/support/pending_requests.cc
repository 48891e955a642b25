#include "support/pending_requests.h"

namespace csms::test {

PendingRequests::~PendingRequests() {
  for (auto& f : futures_) {
    if (f.valid() && f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      server_->Kill();  // the unanswered requests end with their connections
      break;
    }
  }
  for (auto& f : futures_) {
    if (f.valid()) f.wait();
  }
}

size_t PendingRequests::Start(const std::string& method, const std::string& target, const std::string& body,
                              const std::string& token) {
  const uint16_t port = server_->port();
  futures_.push_back(std::async(std::launch::async, [=] {
    HttpClient client(port);
    if (!token.empty()) client.set_token(token);
    return client.Request(method, target, body);
  }));
  return futures_.size() - 1;
}

std::optional<HttpResult> PendingRequests::Wait(size_t i, std::chrono::milliseconds timeout) {
  auto& f = futures_.at(i);
  if (!f.valid() || f.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return f.get();
}

std::optional<HttpResult> PendingRequests::Send(const std::string& method, const std::string& target,
                                                const std::string& body, const std::string& token,
                                                std::chrono::milliseconds timeout) {
  return Wait(Start(method, target, body, token), timeout);
}

}  // namespace csms::test
