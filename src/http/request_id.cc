#include "http/request_id.h"

#include <cstdint>
#include <cstring>
#include <random>

#include "crypto/random.h"

namespace csms::http {

// Request ids need to be unique, not secret: a per-thread PRNG seeded from the OS is enough.
std::string NewRequestId() {
  thread_local std::mt19937_64 rng([] {
    std::string seed = crypto::RandomBytes(8);
    uint64_t v = 0;
    std::memcpy(&v, seed.data(), 8);
    return v;
  }());
  static const char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  uint64_t a = rng(), b = rng();
  for (int i = 0; i < 16; ++i) {
    id[i] = kHex[(a >> (i * 4)) & 15];
    id[16 + i] = kHex[(b >> (i * 4)) & 15];
  }
  return id;
}

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace csms::http
