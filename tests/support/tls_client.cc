#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include "support/tls_client.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <optional>

namespace csms::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string Fingerprint(X509* cert) {
  if (!cert) return "";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) != 1) return "";
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    hex += buf;
  }
  return hex;
}

}  // namespace

struct TlsConnection::Impl {
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  std::string peer;
};

TlsConnection::TlsConnection() : impl_(new Impl) {}
TlsConnection::~TlsConnection() = default;

bool TlsConnection::Connect(uint16_t port, const TlsClientOptions& o, std::string* error) {
  SSL_CTX* raw = impl_->ctx.native_handle();
  if (o.allow_legacy) SSL_CTX_set_security_level(raw, 0);
  if (o.min_version) SSL_CTX_set_min_proto_version(raw, o.min_version);
  if (o.max_version) SSL_CTX_set_max_proto_version(raw, o.max_version);
  if (!o.ciphers.empty() && SSL_CTX_set_cipher_list(raw, o.ciphers.c_str()) != 1) {
    *error = "bad cipher list " + o.ciphers;
    return false;
  }
  beast::error_code ec;
  if (!o.ca_file.empty()) {
    impl_->ctx.load_verify_file(o.ca_file, ec);
    impl_->ctx.set_verify_mode(asio::ssl::verify_peer, ec);
  } else {
    impl_->ctx.set_verify_mode(asio::ssl::verify_none, ec);
  }
  if (!o.cert_file.empty()) {
    impl_->ctx.use_certificate_chain_file(o.cert_file, ec);
    if (!ec) impl_->ctx.use_private_key_file(o.key_file, asio::ssl::context::pem, ec);
    if (ec) {
      *error = "client certificate: " + ec.message();
      return false;
    }
  }
  impl_->stream.emplace(impl_->ioc, impl_->ctx);
  auto& lowest = beast::get_lowest_layer(*impl_->stream);
  lowest.expires_after(std::chrono::seconds(30));
  lowest.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) {
    *error = "connect: " + ec.message();
    return false;
  }
  SSL_set_tlsext_host_name(impl_->stream->native_handle(), "localhost");
  impl_->stream->handshake(asio::ssl::stream_base::client, ec);
  if (ec) {
    *error = "handshake: " + ec.message();
    return false;
  }
  X509* peer = SSL_get1_peer_certificate(impl_->stream->native_handle());
  impl_->peer = Fingerprint(peer);
  X509_free(peer);
  return true;
}

std::string TlsConnection::PeerFingerprint() const { return impl_->peer; }

HttpResult TlsConnection::Request(const std::string& method, const std::string& target, const std::string& body) {
  HttpResult result;
  if (!impl_->stream) {
    result.status = -1;
    result.body = "not connected";
    return result;
  }
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, "localhost");
  if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  beast::error_code ec;
  beast::get_lowest_layer(*impl_->stream).expires_after(std::chrono::seconds(30));
  bhttp::write(*impl_->stream, req, ec);
  bhttp::response<bhttp::string_body> res;
  if (!ec) bhttp::read(*impl_->stream, impl_->buffer, res, ec);
  if (ec) {
    result.status = -1;
    result.body = "exchange: " + ec.message();
    return result;
  }
  result.status = static_cast<int>(res.result_int());
  result.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(f.value());
  }
  result.json.Parse(result.body.c_str());
  result.ok_json = !result.json.HasParseError();
  return result;
}

std::string PemFingerprint(const std::string& pem_file) {
  FILE* f = std::fopen(pem_file.c_str(), "r");
  if (!f) return "";
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  std::string out = Fingerprint(cert);
  X509_free(cert);
  return out;
}

}  // namespace csms::test
