// AsyncHttpClient: the HTTP(S) client of notification delivery. Many requests in flight at once
// on one event-loop thread of its own, keep-alive connections pooled per (scheme, host, port) with
// a bound on concurrent connections per target (requests beyond it wait for a free connection),
// a connect timeout and a total timeout per request, TLS with certificate and host-name
// verification on by default, SNI. Beast/Asio stay inside the .cc.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/destination_policy.h"

namespace csms::net {

struct AsyncHttpOptions {
  std::chrono::milliseconds connect_timeout{2000};  // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds total_timeout{5000};    // from getting a connection slot to the full answer
  int max_connections_per_target = 16;              // concurrent requests per (scheme, host, port)
  std::chrono::milliseconds idle_timeout{30000};    // a pooled connection unused this long is dropped
  bool verify_peer = true;                          // https: certificate chain and host name
  std::string ca_file;                              // https: PEM bundle to trust instead of the system's
  size_t body_prefix_bytes = 512;                   // how much of the answer's body is kept
  size_t max_response_bytes = 64 * 1024;            // larger answers keep their status; the connection closes
  std::string user_agent = "csmsd";
  // The SSRF guard (--webhook-allow): every address a guarded request's host resolves to must be
  // allowed, or the request fails with ResponseInfo::refused and nothing is sent. Null: no check.
  std::shared_ptr<const DestinationPolicy> destinations;
};

struct OutgoingRequest {
  std::string method = "POST";
  std::string url;  // http(s)://host[:port]/path?query
  // Sent as given (a Host given here replaces the URL's authority). Content-Length and
  // Connection are the client's.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Checked against AsyncHttpOptions::destinations (a project's webhook). False only for targets
  // the operator configured (the SMN endpoint); such requests never share a connection with
  // guarded ones.
  bool guarded = true;
};

struct ResponseInfo {
  int status = 0;                        // HTTP status; 0 when no answer came (see error)
  std::string retry_after;               // the Retry-After header, "" when absent
  std::string body_prefix;               // the first body_prefix_bytes of the body
  std::chrono::microseconds latency{0};  // from getting a connection slot to the end of the answer
  std::string error;                     // why there is no answer: "connect timeout", "connection refused", ...
  bool timed_out = false;                // error was a connect or total timeout
  bool refused = false;                  // the destination is not allowed (error names it); nothing was sent
};

using ResponseCallback = std::function<void(ResponseInfo)>;

class AsyncHttpClient {
 public:
  // Null, with *error saying why, when the CA file cannot be loaded.
  static std::unique_ptr<AsyncHttpClient> Create(const AsyncHttpOptions& options, std::string* error);
  // Cancels whatever is still running (their callbacks get the error "client shut down") and
  // joins the event-loop thread.
  virtual ~AsyncHttpClient() = default;

  // Thread-safe. `done` runs exactly once, on the client's thread; it must not block.
  virtual void Send(OutgoingRequest request, ResponseCallback done) = 0;
  // Requests sent whose callback has not run yet.
  virtual size_t in_flight() const = 0;
  // Connections opened since the start (tests and benchmarks check keep-alive reuse with it).
  virtual size_t connections_opened() const = 0;
};

}  // namespace csms::net
