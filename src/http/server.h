// HttpServer: the HTTP/1.1 front door (Boost.Beast over Asio, optional TLS). One io_context and
// one SO_REUSEPORT acceptor per thread, so a connection lives on one thread from accept to close
// and the request path takes no locks of its own. Requests are handed to a RequestHandler.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/message.h"

namespace csms::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port (see HttpServer::port)
  int threads = 0;       // 0 = one per core
  size_t header_limit = 16 * 1024;
  size_t body_limit = 4 * 1024 * 1024;
  std::chrono::seconds idle_timeout{60};  // keep-alive connection waiting for a request
  std::chrono::seconds read_timeout{30};  // receiving one request once its header has started
  std::string tls_cert_file, tls_key_file;  // both set = HTTPS
};

using RequestHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

class HttpServer {
 public:
  static Status Start(const ServerOptions& options, RequestHandler handler, std::unique_ptr<HttpServer>* out);
  virtual ~HttpServer() = default;

  virtual uint16_t port() const = 0;
  // Stops accepting, closes idle connections, lets in-flight requests finish (answered with
  // Connection: close), and returns when every connection is gone or `grace` has passed.
  virtual void Shutdown(std::chrono::milliseconds grace) = 0;
};

}  // namespace csms::http
