// HttpRequest / HttpResponse: what handlers see. Deliberately independent of Beast so that only
// server.cc compiles Beast, and handlers can be driven by tests without a socket.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace csms::http {

struct HttpRequest {
  std::string_view method;  // "GET", "POST", ...
  std::string_view target;  // raw request target: path plus optional ?query, as received
  std::string_view path;    // target up to '?'
  std::string_view query;   // after '?', may be empty
  std::string_view body;
  std::string_view request_id;
  // TLS with a client CA (ServerOptions::tls_client_ca_file): the client presented a certificate
  // that the CA verified on this connection.
  bool client_cert_verified = false;
  std::string_view remote_address;  // the peer's IP address ("" when unknown, e.g. in tests)
  // Header lookup by lower-case name; nullopt when absent.
  std::function<std::optional<std::string_view>(std::string_view)> header;
};

struct HttpResponse {
  int status = 200;
  std::string body;                                          // JSON, or empty for 204
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (e.g. X-Subject-Token)
};

// Decoded query parameters in arrival order. Empty items (a trailing '&', as the official C++ SDK
// sends) are skipped. Every key appears once: CSMS v1 has no multi-valued query parameter, and a
// repeated key would be ambiguous (the signature's canonical query sorts the values, a reader
// would take one of them), so Parse refuses it and Get() never has to choose.
class QueryParams {
 public:
  // Errors: not valid percent-encoding (CSMS.0003); a key or value that is not UTF-8, or a key
  // given twice, also after decoding ("limit" and "l%69mit") (CSMS.0002, naming the key).
  Status Parse(std::string_view query);
  std::optional<std::string_view> Get(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace csms::http
