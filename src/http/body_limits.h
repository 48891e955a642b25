// BodyLimits: how large a request body each route accepts, decided from the request line before
// any body byte is read (the server's ServerOptions::body_limit_for), so an unauthenticated
// client cannot make csmsd buffer and parse megabytes. Most routes carry a few names and numbers:
// 64 KiB. Routes that carry a secret value (32 KiB of text or binary, spec §8) get room for it
// fully JSON-escaped. Only the bulk routes (restore of a backup blob, batch import) get the
// server's --max-body-bytes, and only for a request that carries credentials. No route ever gets
// more than --max-body-bytes.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace csms::http {

class BodyLimits {
 public:
  static constexpr size_t kDefault = 64 * 1024;
  // A 32 KiB secret_string whose every byte is escaped as \u00XX (6 bytes), plus the other fields.
  static constexpr size_t kSecretValue = 256 * 1024;

  // `max_body`: --max-body-bytes, the limit of the bulk routes and the cap of all.
  explicit BodyLimits(size_t max_body);

  // The limit of a request with this method and target (query and all); routes not listed, and
  // paths that match no route, get kDefault. Without `credentials` (no X-Auth-Token or
  // Authorization header: it will be refused 401 anyway) every route gets kDefault, so only a
  // client that at least claims to be someone makes csmsd read a large body.
  size_t For(std::string_view method, std::string_view target, bool credentials = true) const;

  struct Listed {
    const char* method;
    const char* path_template;  // as the API registers it
    size_t limit;
  };
  // The routes with a limit other than kDefault (tests check each is a real route).
  std::vector<Listed> Routes() const;

 private:
  size_t max_body_;
  Router<size_t> router_;
};

}  // namespace csms::http
