#include "crypto/password.h"

#include <openssl/evp.h>

#include <atomic>
#include <charconv>
#include <climits>
#include <optional>

#include "crypto/constant_time.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace csms::crypto {

namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr size_t kSaltSize = 16;
constexpr size_t kHashSize = 32;
constexpr int kMaxIterations = 10'000'000;

std::atomic<uint64_t> iterations_computed{0};

std::optional<std::string> Derive(std::string_view password, std::string_view salt, int iterations) {
  if (password.size() > static_cast<size_t>(INT_MAX) || salt.size() > static_cast<size_t>(INT_MAX)) {
    return std::nullopt;
  }
  std::string out(kHashSize, '\0');
  iterations_computed.fetch_add(static_cast<uint64_t>(iterations), std::memory_order_relaxed);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                        EVP_sha256(), static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    return std::nullopt;
  }
  return out;
}

// Splits off the text before the next '$'; nullopt if there is none.
std::optional<std::string_view> NextField(std::string_view& rest) {
  size_t pos = rest.find('$');
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view field = rest.substr(0, pos);
  rest.remove_prefix(pos + 1);
  return field;
}

}  // namespace

std::string HashPassword(std::string_view password) { return HashPassword(password, kDefaultPasswordIterations); }

std::string HashPassword(std::string_view password, int iterations) {
  if (iterations < 1) iterations = 1;
  if (iterations > kMaxIterations) iterations = kMaxIterations;
  std::string salt = RandomBytes(kSaltSize);
  std::optional<std::string> hash = Derive(password, salt, iterations);
  if (!hash) return std::string();  // only for passwords over 2 GiB; never verifies
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + Base64Encode(salt) + "$" + Base64Encode(*hash);
}

std::string DecoyPasswordHash(int iterations) {
  if (iterations < 1) iterations = 1;
  if (iterations > kMaxIterations) iterations = kMaxIterations;
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + Base64Encode(RandomBytes(kSaltSize)) + "$" +
         Base64Encode(RandomBytes(kHashSize));
}

std::string PendingPasswordHash() {
  return std::string(kScheme) + "$" + std::to_string(kDefaultPasswordIterations) + "$" +
         Base64Encode(std::string(kSaltSize, '\0')) + "$" + Base64Encode(RandomBytes(kHashSize));
}

namespace {

struct Decoded {
  int iterations = 0;
  std::string salt, hash;
};

std::optional<Decoded> Decode(std::string_view encoded) {
  std::string_view rest = encoded;
  auto scheme = NextField(rest);
  auto iter_text = NextField(rest);
  auto salt_b64 = NextField(rest);
  if (!scheme || !iter_text || !salt_b64 || *scheme != kScheme) return std::nullopt;
  std::string_view hash_b64 = rest;  // the last field; a further '$' makes it invalid base64

  Decoded out;
  if (iter_text->empty() || iter_text->front() == '0') return std::nullopt;  // canonical decimal only
  auto [end, ec] = std::from_chars(iter_text->data(), iter_text->data() + iter_text->size(), out.iterations);
  if (ec != std::errc() || end != iter_text->data() + iter_text->size()) return std::nullopt;
  if (out.iterations < 1 || out.iterations > kMaxIterations) return std::nullopt;

  std::optional<std::string> salt = Base64Decode(*salt_b64);
  std::optional<std::string> expected = Base64Decode(hash_b64);
  if (!salt || salt->empty() || !expected || expected->size() != kHashSize) return std::nullopt;
  out.salt = std::move(*salt);
  out.hash = std::move(*expected);
  return out;
}

}  // namespace

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  std::optional<Decoded> d = Decode(encoded);
  if (!d) return false;
  std::optional<std::string> actual = Derive(password, d->salt, d->iterations);
  return actual && ConstantTimeEquals(*actual, d->hash);
}

bool IsPendingPasswordHash(std::string_view encoded) {
  std::optional<Decoded> d = Decode(encoded);
  return d && d->salt == std::string(kSaltSize, '\0');
}

int PasswordIterations(std::string_view encoded) {
  std::optional<Decoded> d = Decode(encoded);
  return d ? d->iterations : 0;
}

uint64_t PasswordIterationsComputed() { return iterations_computed.load(std::memory_order_relaxed); }

}  // namespace csms::crypto
