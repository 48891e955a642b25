// A small blocking HTTP/1.1 client for tests (Beast underneath), keeping one keep-alive
// connection and reconnecting when the server closed it.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace csms::test {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool ok_json = false;
  rapidjson::Document json;  // parsed body when it is JSON

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  // Convenience for error bodies.
  std::string ErrorCode() const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One response read off the wire by RawExchange.
struct RawResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};
// The HTTP/1.x responses in `raw`, in order, parsed by Beast (interim 1xx responses included);
// stops at the first bytes that are not a complete response.
std::vector<RawResponse> ParseResponses(const std::string& raw);

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::string host = "127.0.0.1");
  ~HttpClient();

  HttpResult Request(const std::string& method, const std::string& target, const std::string& body = "",
                     const Headers& headers = {});
  // Sends raw bytes on a fresh connection and returns whatever comes back until close (or timeout).
  std::string RawExchange(const std::string& bytes, int timeout_ms = 10000);

  void set_token(std::string token) { token_ = std::move(token); }
  uint16_t port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t port_;
  std::string host_;
  std::string token_;
};

}  // namespace csms::test
