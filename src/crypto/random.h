// Cryptographically secure random values from OpenSSL's DRBG.
#pragma once

#include <cstddef>
#include <string>

namespace csms::crypto {

// n random bytes. Aborts if the DRBG fails: handing out weak randomness is never acceptable.
std::string RandomBytes(size_t n);
// 2 * nbytes lower-case hex characters.
std::string RandomHex(size_t nbytes);
// Random (version 4) UUID, lower case, 8-4-4-4-12.
std::string NewUuid();

}  // namespace csms::crypto
