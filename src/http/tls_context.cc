#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/errors.h"

namespace csms::http {
namespace {

namespace ssl = boost::asio::ssl;

// OpenSSL's queued reasons, oldest first, emptied.
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown error" : out;
}

Status TlsError(const std::string& what) { return errors::InvalidParameter("TLS: " + what + ": " + OpenSslErrors()); }

// Lets every handshake through: whether a client certificate verified is read per connection
// (SSL_get_verify_result), so a bad one is refused by the routes that need one, not by the server.
int AcceptAnyClient(int /*preverified*/, X509_STORE_CTX* /*ctx*/) { return 1; }

}  // namespace

Status NewServerTlsContext(const TlsFiles& files, std::shared_ptr<ssl::context>* out) {
  ERR_clear_error();
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* raw = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION) != 1) return TlsError("cannot require TLS 1.2");
  SSL_CTX_set_options(raw, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 |
                               SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
  if (SSL_CTX_set_cipher_list(raw, kTls12Ciphers) != 1) return TlsError("cipher list");
  if (SSL_CTX_set_ciphersuites(raw, kTls13Suites) != 1) return TlsError("TLS 1.3 cipher suites");
  if (SSL_CTX_use_certificate_chain_file(raw, files.cert_file.c_str()) != 1) {
    return TlsError("cannot load the certificate " + files.cert_file);
  }
  if (SSL_CTX_use_PrivateKey_file(raw, files.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return TlsError("cannot load the private key " + files.key_file);
  }
  if (SSL_CTX_check_private_key(raw) != 1) {
    return TlsError("the private key " + files.key_file + " does not match the certificate " + files.cert_file);
  }
  if (!files.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(raw, files.client_ca_file.c_str(), nullptr) != 1) {
      return TlsError("cannot load the client CA " + files.client_ca_file);
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca_file.c_str());
    if (!names) return TlsError("no CA certificate in " + files.client_ca_file);
    SSL_CTX_set_client_CA_list(raw, names);  // takes ownership
    SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, AcceptAnyClient);
    static const unsigned char kSessionContext[] = "csmsd";
    SSL_CTX_set_session_id_context(raw, kSessionContext, sizeof kSessionContext - 1);
  }
  *out = std::move(ctx);
  return Status::OK();
}

bool ClientCertificateVerified(SSL* ssl) {
  X509* peer = SSL_get1_peer_certificate(ssl);
  if (!peer) return false;
  X509_free(peer);
  return SSL_get_verify_result(ssl) == X509_V_OK;
}

}  // namespace csms::http
