#include "app/crypto_warmup.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>

namespace csms {
namespace {

// What start-up and the first requests use: sealed keys (AES-256-GCM), HMAC-SHA256 (key ids,
// tokens, signatures), SHA-256, and a TLS client context (the delivery client's).
void WarmUp() {
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, nullptr);
  EVP_CIPHER_free(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
  EVP_MAC_free(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  EVP_MD_free(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  SSL_CTX_free(SSL_CTX_new(TLS_client_method()));
}

}  // namespace

CryptoWarmUp::CryptoWarmUp() : thread_(WarmUp) {}

CryptoWarmUp::~CryptoWarmUp() { Join(); }

void CryptoWarmUp::Join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace csms
