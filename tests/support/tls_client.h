// A blocking TLS client for tests of the server's TLS: one connection, its handshake (with an
// optional client certificate, protocol range and cipher list), the certificate the server
// presented, and HTTP/1.1 keep-alive requests over it (Asio SSL and Beast underneath).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "support/http_client.h"

namespace csms::test {

struct TlsClientOptions {
  std::string ca_file;                   // trusted for the server certificate ("" = no verification)
  std::string cert_file, key_file;       // a client certificate to present ("" = none)
  int min_version = 0, max_version = 0;  // e.g. TLS1_1_VERSION; 0 = OpenSSL's default
  std::string ciphers;                   // TLS 1.2 cipher list; "" = OpenSSL's default
  bool allow_legacy = false;             // security level 0, so old protocols and ciphers can be offered
};

class TlsConnection {
 public:
  TlsConnection();
  ~TlsConnection();

  // Connects to 127.0.0.1:port and completes the handshake; false with *error otherwise.
  bool Connect(uint16_t port, const TlsClientOptions& options, std::string* error);
  // SHA-256 (hex) of the DER certificate the server presented; "" before a handshake.
  std::string PeerFingerprint() const;
  // One request on this connection; status -1 and the reason in body when the exchange failed.
  HttpResult Request(const std::string& method, const std::string& target, const std::string& body = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 (hex) of the DER form of the first certificate in a PEM file; "" when unreadable.
std::string PemFingerprint(const std::string& pem_file);

}  // namespace csms::test
