// A blocking HTTP(S) client for one request at a time, with a total deadline: what the rotation
// worker uses to call an http(s) rotation function. (High-volume delivery has its own async client.)
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "common/status.h"

namespace csms::net {

struct HttpCallOptions {
  std::chrono::milliseconds timeout{10000};  // connect + send + receive, all together
  bool verify_peer = true;                   // https: check the certificate chain and host name
  std::string ca_file;                       // https: PEM bundle to trust instead of the system's
  size_t max_response_bytes = 1 << 20;
};

struct HttpCallResult {
  int status = 0;
  std::string body;
};

struct Url {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  std::string port;
  std::string target;  // path and query, "/" at least
};
// http://host[:port][/path][?query] and https://...; false when malformed.
bool ParseUrl(const std::string& text, Url* out);

// POSTs `body` as application/json. Transport failures, TLS failures and the deadline are errors
// (Status::Failure, kind kUnavailable, no CSMS code: the caller maps them) naming what failed; any
// HTTP status is a result.
Status PostJson(const std::string& url, const std::string& body, const HttpCallOptions& options, HttpCallResult* out);

}  // namespace csms::net
