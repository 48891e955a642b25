#include "crypto/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "crypto/encoding.h"

namespace csms::crypto {

namespace {

// Small requests (ids, IVs, keys) are served from a per-thread buffer of DRBG output: each
// RAND_bytes call costs a getpid() system call (OpenSSL's fork check), and a create used to make
// four. Served bytes are wiped from the buffer; a forked child drops what its parent had left, so
// parent and child never hand out the same bytes.
constexpr size_t kPoolBytes = 512;

struct Pool {
  unsigned char bytes[kPoolBytes];
  size_t used = kPoolBytes;  // bytes[used..] are unserved
  ~Pool() { OPENSSL_cleanse(bytes, sizeof bytes); }
};
thread_local Pool pool;

void Generate(unsigned char* out, size_t n) {
  while (n > 0) {
    size_t chunk = n > static_cast<size_t>(INT_MAX) ? INT_MAX : n;
    if (RAND_bytes(out, static_cast<int>(chunk)) != 1) std::abort();
    out += chunk;
    n -= chunk;
  }
}

void DropPoolInChild() {
  OPENSSL_cleanse(pool.bytes, sizeof pool.bytes);
  pool.used = kPoolBytes;
}

void Fill(unsigned char* out, size_t n) {
  static const bool registered = pthread_atfork(nullptr, nullptr, DropPoolInChild) == 0;
  if (!registered || n > kPoolBytes / 4) {
    Generate(out, n);
    return;
  }
  if (kPoolBytes - pool.used < n) {
    Generate(pool.bytes, kPoolBytes);
    pool.used = 0;
  }
  std::memcpy(out, pool.bytes + pool.used, n);
  OPENSSL_cleanse(pool.bytes + pool.used, n);
  pool.used += n;
}

}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  Fill(reinterpret_cast<unsigned char*>(out.data()), n);
  return out;
}

std::string RandomHex(size_t nbytes) { return HexEncode(RandomBytes(nbytes)); }

namespace {

// 16 bytes with the version nibble and the RFC 9562 variant set, as 8-4-4-4-12 lower-case hex.
std::string FormatUuid(std::string b, int version) {
  b[6] = static_cast<char>((static_cast<uint8_t>(b[6]) & 0x0f) | (version << 4));
  b[8] = static_cast<char>((static_cast<uint8_t>(b[8]) & 0x3f) | 0x80);
  std::string hex = HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

}  // namespace

std::string NewUuid() { return FormatUuid(RandomBytes(16), 4); }

std::string NewTimeOrderedUuid(int64_t unix_ms) {
  std::string b = RandomBytes(16);
  auto ms = static_cast<uint64_t>(unix_ms);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<char>(ms >> (8 * (5 - i)));  // 48 bits, big-endian
  return FormatUuid(std::move(b), 7);
}

std::string NewTimeOrderedUuid() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return NewTimeOrderedUuid(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace csms::crypto
