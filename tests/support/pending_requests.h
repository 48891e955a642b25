// PendingRequests: HTTP requests that may not be answered soon (a held writer, a blocked thread),
// each on its own thread and connection, awaited with a deadline. Whatever is still unanswered when
// the object goes away is cut off by killing the server (SIGKILL), so no test hangs on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "support/csmsd_process.h"
#include "support/http_client.h"

namespace csms::test {

class PendingRequests {
 public:
  explicit PendingRequests(CsmsdProcess* server) : server_(server) {}
  ~PendingRequests();
  PendingRequests(const PendingRequests&) = delete;
  PendingRequests& operator=(const PendingRequests&) = delete;

  // Sends the request on a fresh connection from a new thread; returns its index.
  size_t Start(const std::string& method, const std::string& target, const std::string& body = "",
               const std::string& token = "");
  // The answer of request i once it arrives within `timeout`; nullopt if it does not.
  std::optional<HttpResult> Wait(size_t i, std::chrono::milliseconds timeout);
  // Start + Wait: a request that must be answered within `timeout`.
  std::optional<HttpResult> Send(const std::string& method, const std::string& target, const std::string& body,
                                 const std::string& token, std::chrono::milliseconds timeout);

 private:
  CsmsdProcess* server_;
  std::vector<std::future<HttpResult>> futures_;
};

}  // namespace csms::test
