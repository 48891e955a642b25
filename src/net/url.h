// The http(s) URLs csmsd calls out to (rotation functions, webhooks): split into what a request
// needs. No I/O; the one parser of such URLs, shared by both HTTP clients.
#pragma once

#include <string>

namespace csms::net {

struct Url {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  std::string port;
  std::string target;  // path and query, "/" at least
};
// http://host[:port][/path][?query] and https://...; false when malformed.
bool ParseUrl(const std::string& text, Url* out);

}  // namespace csms::net
