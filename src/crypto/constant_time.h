// Comparison of secrets (MACs, signatures, password hashes) without timing leaks.
#pragma once

#include <string_view>

namespace csms::crypto {

// True if a == b. The running time depends only on the lengths, never on the contents.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace csms::crypto
