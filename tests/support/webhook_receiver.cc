#include "support/webhook_receiver.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace csms::test {
namespace {

constexpr const char* kRecordedHeaders[] = {
    "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host",
    "user-agent", "authorization",     "x-sdk-date",        "x-project-id", "connection",
};

}  // namespace

WebhookReceiver::WebhookReceiver(Options options) : options_(std::move(options)) {
  port_ = options_.port;
  Start();
}

WebhookReceiver::~WebhookReceiver() {
  Stop();
  if (reserved_fd_ >= 0) ::close(reserved_fd_);
}

bool WebhookReceiver::Start() {
  if (server_) return true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
  }
  http::ServerOptions so;
  so.host = "127.0.0.1";
  so.port = port_;
  so.threads = options_.threads;
  so.tls_cert_file = options_.cert_file;
  so.tls_key_file = options_.key_file;
  Status s = http::HttpServer::StartAsync(
      so, [this](std::shared_ptr<http::Exchange> exchange) { Handle(std::move(exchange)); }, &server_);
  if (!s.ok()) {
    server_.reset();
    return false;
  }
  port_ = server_->port();
  // The server has the port now (both sockets allow address reuse, and the reserving one never
  // listened): the reservation can go.
  if (reserved_fd_ >= 0) ::close(reserved_fd_);
  reserved_fd_ = -1;
  return true;
}

void WebhookReceiver::Stop() {
  if (!server_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stopping_cv_.notify_all();
  ReleaseHeld();
  server_->Shutdown(std::chrono::milliseconds(500));
  server_.reset();
  // Keep the port: a socket bound to it but not listening makes connections fail with "connection
  // refused" (a receiver that is down), and keeps other tests' listeners off the port until Start.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port_);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    reserved_fd_ = fd;
  } else {
    ::close(fd);
  }
}

std::string WebhookReceiver::Url(const std::string& path, const std::string& host) const {
  bool tls = !options_.cert_file.empty();
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port_) + path;
}

void WebhookReceiver::SetResponder(Responder responder) {
  std::lock_guard<std::mutex> lock(mu_);
  responder_ = std::move(responder);
}

void WebhookReceiver::RespondAlways(int status, std::string body) {
  SetResponder([status, body](const ReceivedRequest&, size_t) {
    Reply r;
    r.status = status;
    r.body = body;
    return r;
  });
}

namespace {

http::HttpResponse ResponseOf(const Reply& reply) {
  http::HttpResponse res;
  res.status = reply.status;
  res.body = reply.body;
  res.headers = reply.headers;
  return res;
}

}  // namespace

void WebhookReceiver::Handle(std::shared_ptr<http::Exchange> exchange) {
  const http::HttpRequest& req = exchange->request();
  ReceivedRequest r;
  r.method = std::string(req.method);
  r.target = std::string(req.target);
  r.body = std::string(req.body);
  for (const char* name : kRecordedHeaders) {
    if (auto v = req.header(name)) r.headers[name] = std::string(*v);
  }
  r.at = std::chrono::steady_clock::now();
  Reply reply;
  {
    std::lock_guard<std::mutex> lock(mu_);
    size_t index = requests_.size();
    if (responder_) reply = responder_(r, index);
    requests_.push_back(std::move(r));
    if (reply.hold && !stopping_) {
      held_.emplace_back(std::move(exchange), std::move(reply));
      stopping_cv_.notify_all();
      return;
    }
  }
  if (reply.delay.count() > 0) {
    std::unique_lock<std::mutex> lock(mu_);
    stopping_cv_.wait_for(lock, reply.delay, [this] { return stopping_; });
  }
  exchange->Respond(ResponseOf(reply));
}

size_t WebhookReceiver::HeldCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return held_.size();
}

bool WebhookReceiver::WaitForHeld(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return stopping_cv_.wait_for(lock, timeout, [&] { return held_.size() >= n; });
}

void WebhookReceiver::ReleaseHeld() {
  std::vector<std::pair<std::shared_ptr<http::Exchange>, Reply>> held;
  {
    std::lock_guard<std::mutex> lock(mu_);
    held.swap(held_);
  }
  for (auto& [exchange, reply] : held) exchange->Respond(ResponseOf(reply));
}

std::vector<ReceivedRequest> WebhookReceiver::Requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

size_t WebhookReceiver::Count() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

std::set<std::string> WebhookReceiver::DistinctIds() {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> ids;
  for (const auto& r : requests_) ids.insert(r.Header("webhook-id"));
  return ids;
}

bool WebhookReceiver::WaitForCount(size_t n, std::chrono::milliseconds timeout) {
  return WaitUntil([&] { return Count() >= n; }, timeout);
}

bool WebhookReceiver::WaitForDistinctIds(size_t n, std::chrono::milliseconds timeout) {
  return WaitUntil([&] { return DistinctIds().size() >= n; }, timeout);
}

}  // namespace csms::test
