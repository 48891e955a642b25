#include "crypto/aead.h"

#include <openssl/evp.h>

#include <climits>
#include <memory>

#include "crypto/random.h"

namespace csms::crypto {

namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// EVP update calls take int lengths.
bool FitsInt(size_t n) { return n <= static_cast<size_t>(INT_MAX) - 64; }

}  // namespace

std::string Seal(std::string_view key32, std::string_view plaintext, std::string_view aad) {
  if (key32.size() != kAeadKeySize || !FitsInt(plaintext.size()) || !FitsInt(aad.size())) {
    return std::string();
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return std::string();

  std::string out = RandomBytes(kAeadNonceSize);
  out.resize(kAeadNonceSize + plaintext.size() + kAeadTagSize);
  auto* ct = reinterpret_cast<unsigned char*>(&out[kAeadNonceSize]);
  int len = 0;
  int total = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kAeadNonceSize, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, U(key32), U(out)) != 1) {
    return std::string();
  }
  if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) {
    return std::string();
  }
  if (!plaintext.empty()) {
    if (EVP_EncryptUpdate(ctx.get(), ct, &len, U(plaintext), static_cast<int>(plaintext.size())) != 1) {
      return std::string();
    }
    total = len;
  }
  if (EVP_EncryptFinal_ex(ctx.get(), ct + total, &len) != 1) return std::string();
  total += len;
  if (static_cast<size_t>(total) != plaintext.size()) return std::string();
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kAeadTagSize, ct + total) != 1) {
    return std::string();
  }
  return out;
}

std::optional<std::string> Open(std::string_view key32, std::string_view sealed, std::string_view aad) {
  if (key32.size() != kAeadKeySize || sealed.size() < kAeadNonceSize + kAeadTagSize || !FitsInt(sealed.size()) ||
      !FitsInt(aad.size())) {
    return std::nullopt;
  }
  std::string_view nonce = sealed.substr(0, kAeadNonceSize);
  std::string_view ct = sealed.substr(kAeadNonceSize, sealed.size() - kAeadNonceSize - kAeadTagSize);
  // OpenSSL wants a non-const tag buffer.
  std::string tag(sealed.substr(sealed.size() - kAeadTagSize));

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return std::nullopt;
  std::string plain(ct.size(), '\0');
  auto* pt = reinterpret_cast<unsigned char*>(plain.data());
  int len = 0;
  int total = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kAeadNonceSize, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, U(key32), U(nonce)) != 1) {
    return std::nullopt;
  }
  if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) {
    return std::nullopt;
  }
  if (!ct.empty()) {
    if (EVP_DecryptUpdate(ctx.get(), pt, &len, U(ct), static_cast<int>(ct.size())) != 1) {
      return std::nullopt;
    }
    total = len;
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kAeadTagSize, tag.data()) != 1) {
    return std::nullopt;
  }
  // The tag is checked here; a mismatch must discard the (unauthenticated) plaintext.
  if (EVP_DecryptFinal_ex(ctx.get(), pt + total, &len) != 1) return std::nullopt;
  total += len;
  if (static_cast<size_t>(total) != plain.size()) return std::nullopt;
  return plain;
}

}  // namespace csms::crypto
