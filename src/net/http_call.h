// A blocking HTTP(S) client for one request at a time, with a total deadline: what the rotation
// worker uses to call an http(s) rotation function. (High-volume delivery has its own async client.)
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/destination_policy.h"
#include "net/url.h"

namespace csms::net {

struct HttpCallOptions {
  std::chrono::milliseconds timeout{10000};  // connect + send + receive, all together
  bool verify_peer = true;                   // https: check the certificate chain and host name
  std::string ca_file;                       // https: PEM bundle to trust instead of the system's
  size_t max_response_bytes = 1 << 20;
  // The SSRF guard (--webhook-allow): every address the URL's host resolves to must be allowed,
  // or nothing is sent and the error names the refused address. Null: no check (the CLI).
  std::shared_ptr<const DestinationPolicy> destinations;
};

struct HttpCallResult {
  int status = 0;  // the HTTP status of the answer; 0 when none came back
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // of the answer, names lower-case
  std::string error;  // when no answer came back: what failed (URL, TLS setup, transport, deadline)
};

// The Host header a request to `url` carries: host, bracketed when IPv6, with ":port" unless default.
std::string HostHeader(const Url& url);

// Any request: `headers` are sent as given (Host, User-Agent and Content-Length are added; a
// Content-Type only when given). True when an answer came back, whatever its HTTP status; false
// when none did, with out->error naming what failed.
struct HttpCallRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
bool Send(const HttpCallRequest& request, const HttpCallOptions& options, HttpCallResult* out);

// POSTs `body` as application/json. True when an answer came back, whatever its HTTP status;
// false when none did, with out->error naming what failed. The caller decides what either means.
bool PostJson(const std::string& url, const std::string& body, const HttpCallOptions& options, HttpCallResult* out);

}  // namespace csms::net
