#include "crypto/random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstdlib>

#include "crypto/encoding.h"

namespace csms::crypto {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t done = 0;
  while (done < n) {
    size_t chunk = n - done;
    if (chunk > static_cast<size_t>(INT_MAX)) chunk = INT_MAX;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&out[done]), static_cast<int>(chunk)) != 1) {
      std::abort();
    }
    done += chunk;
  }
  return out;
}

std::string RandomHex(size_t nbytes) { return HexEncode(RandomBytes(nbytes)); }

std::string NewUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((static_cast<uint8_t>(b[6]) & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<char>((static_cast<uint8_t>(b[8]) & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex = HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

}  // namespace csms::crypto
