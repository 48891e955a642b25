// Secrets in memory: comparison (MACs, signatures, password hashes) without timing leaks, and wiping.
#pragma once

#include <string>
#include <string_view>

namespace csms::crypto {

// True if a == b. The running time depends only on the lengths, never on the contents.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Overwrites the bytes of *s with zeros in a way the compiler keeps, then clears it.
void Wipe(std::string* s);

}  // namespace csms::crypto
