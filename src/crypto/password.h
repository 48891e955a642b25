// Password storage: PBKDF2-HMAC-SHA256 with a random salt, in a self-describing text form
// "pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>" so the cost can be raised later.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace csms::crypto {

inline constexpr int kDefaultPasswordIterations = 100000;

std::string HashPassword(std::string_view password);
// Tests pass a low iteration count to stay fast. Values below 1 are treated as 1.
std::string HashPassword(std::string_view password, int iterations);

// True if `encoded` is a well-formed HashPassword result for `password`. False on any malformed
// encoding, including iteration counts outside [1, 10'000'000] (so a stored value cannot be
// used to make a login arbitrarily slow).
bool VerifyPassword(std::string_view password, std::string_view encoded);

// A well-formed encoding of `iterations` with a random salt and a random hash: verifying any
// password against it costs exactly a real check and never succeeds. Costs nothing to make (no
// key derivation), so a decoy does not slow down start-up.
std::string DecoyPasswordHash(int iterations = kDefaultPasswordIterations);

// A password not stored yet (a first start's admin, whose hash is derived after csmsd listens): a
// decoy at the default cost whose salt is all zero bytes, which HashPassword never draws (its salts
// are random). IsPendingPasswordHash recognises it.
std::string PendingPasswordHash();
bool IsPendingPasswordHash(std::string_view encoded);

// The PBKDF2 iteration count of a well-formed encoding, or 0. Lets a caller spend exactly what a
// real check costs on a decoy (an unknown user must not answer faster than a wrong password).
int PasswordIterations(std::string_view encoded);

// PBKDF2 iterations computed by this process so far (HashPassword and VerifyPassword together).
// A cost meter for tests: the work of a login path is counted, not timed.
uint64_t PasswordIterationsComputed();

}  // namespace csms::crypto
