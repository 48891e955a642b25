#include "crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

#include "crypto/encoding.h"

namespace csms::crypto {

namespace {

// A failing digest or MAC can only mean OpenSSL is out of memory or broken. Returning a
// predictable value would be worse than stopping, because callers compare MACs against it.
[[noreturn]] void Die() { std::abort(); }

// Fetched once and kept for the life of the process: explicit fetch avoids the per-call
// implicit fetch that EVP_sha256() costs in OpenSSL 3.
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (m == nullptr) Die();
    return m;
  }();
  return md;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

EVP_MD_CTX* ThreadMdCtx() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) Die();
  return ctx.get();
}

// An HMAC context with the digest already set; each call only re-keys it.
EVP_MAC_CTX* ThreadHmacCtx() {
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx([] {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) Die();
    EVP_MAC_CTX* c = EVP_MAC_CTX_new(mac);
    if (c == nullptr) Die();
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_CTX_set_params(c, params) != 1) Die();
    return c;
  }());
  return ctx.get();
}

std::string ToHex(const std::array<uint8_t, 32>& a) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(a.data()), a.size()));
}

}  // namespace

std::array<uint8_t, 32> Sha256(std::string_view data) {
  std::array<uint8_t, 32> out;
  EVP_MD_CTX* ctx = ThreadMdCtx();
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1 || EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != out.size()) {
    Die();
  }
  return out;
}

std::string Sha256Hex(std::string_view data) { return ToHex(Sha256(data)); }

std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view msg) {
  std::array<uint8_t, 32> out;
  EVP_MAC_CTX* ctx = ThreadHmacCtx();
  // The key pointer must never be null: a null key tells OpenSSL to reuse the previous
  // call's key on this reused context.
  static const unsigned char kEmpty = 0;
  const auto* k = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  size_t len = 0;
  if (EVP_MAC_init(ctx, k, key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) {
    Die();
  }
  return out;
}

std::string HmacSha256Hex(std::string_view key, std::string_view msg) { return ToHex(HmacSha256(key, msg)); }

}  // namespace csms::crypto
