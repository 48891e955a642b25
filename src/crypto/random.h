// Cryptographically secure random values from OpenSSL's DRBG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace csms::crypto {

// n random bytes. Aborts if the DRBG fails: handing out weak randomness is never acceptable.
// Thread-safe. Small requests come from a per-thread buffer of DRBG output (random.cc says why).
std::string RandomBytes(size_t n);
// 2 * nbytes lower-case hex characters.
std::string RandomHex(size_t nbytes);
// Random (version 4) UUID, lower case, 8-4-4-4-12.
std::string NewUuid();
// Time-ordered (version 7, RFC 9562) UUID: the Unix time in milliseconds, then 74 random bits.
// For row keys: ids made one after another sort together, so a new row's index entries land on
// the pages the previous ones dirtied instead of one random page per index (SQLite's WAL frames
// and checkpoints, PostgreSQL's full-page writes). The creation time it reveals is public anyway.
std::string NewTimeOrderedUuid();
std::string NewTimeOrderedUuid(int64_t unix_ms);

}  // namespace csms::crypto
