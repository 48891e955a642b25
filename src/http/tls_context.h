// The server's TLS context (OpenSSL through Asio): TLS 1.2 at least, a modern cipher list, the
// certificate chain and key, and optionally the CA that signs client certificates. Built at start
// and again on every reload (HttpServer::ReloadTls): a context is never changed once sessions use it.
#pragma once

#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "common/status.h"

namespace csms::http {

// TLS 1.2 suites: ECDHE only (forward secrecy), AEAD only (AES-GCM, ChaCha20-Poly1305) — Mozilla's
// "intermediate" list without the finite-field DHE suites. TLS 1.3 uses its three standard suites.
inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

struct TlsFiles {
  std::string cert_file;       // PEM chain, leaf first
  std::string key_file;        // PEM private key of the leaf
  std::string client_ca_file;  // "" = no client certificates asked for
};

// A new server context from the files, read now; an error naming the file and OpenSSL's reason.
// With a client CA, clients are asked for a certificate but not required to send one, and the
// handshake succeeds whatever they send: ClientCertificateVerified tells the routes that need one.
Status NewServerTlsContext(const TlsFiles& files, std::shared_ptr<boost::asio::ssl::context>* out);

// True when the peer of this (server-side, handshaken) connection sent a certificate that the
// client CA verified.
bool ClientCertificateVerified(SSL* ssl);

}  // namespace csms::http
