#include "support/webhook_receiver.h"

#include <thread>

namespace csms::test {
namespace {

constexpr const char* kRecordedHeaders[] = {
    "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host",
    "user-agent", "authorization", "x-sdk-date", "x-project-id", "connection",
};

}  // namespace

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

WebhookReceiver::WebhookReceiver(Options options) : options_(std::move(options)) {
  port_ = options_.port;
  Start();
}

WebhookReceiver::~WebhookReceiver() { Stop(); }

bool WebhookReceiver::Start() {
  if (server_) return true;
  http::ServerOptions so;
  so.host = "127.0.0.1";
  so.port = port_;
  so.threads = options_.threads;
  so.tls_cert_file = options_.cert_file;
  so.tls_key_file = options_.key_file;
  Status s = http::HttpServer::Start(
      so, [this](const http::HttpRequest& req, http::HttpResponse& res) { Handle(req, res); }, &server_);
  if (!s.ok()) {
    server_.reset();
    return false;
  }
  port_ = server_->port();
  return true;
}

void WebhookReceiver::Stop() {
  if (!server_) return;
  server_->Shutdown(std::chrono::milliseconds(500));
  server_.reset();
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

void WebhookReceiver::Handle(const http::HttpRequest& req, http::HttpResponse& res) {
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
  }
  if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
  res.status = reply.status;
  res.body = reply.body;
  res.headers = reply.headers;
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
