#include "crypto/random_password.h"

#include <string_view>
#include <vector>

#include "crypto/random.h"

namespace csms::crypto {
namespace {

constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kPunct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

// A uniform index below n (n ≤ 256) from the DRBG, rejecting bytes that would bias the result.
size_t UniformIndex(size_t n) {
  const unsigned limit = 256 - (256 % n);
  for (;;) {
    std::string b = RandomBytes(16);
    for (char c : b) {
      unsigned v = static_cast<unsigned char>(c);
      if (v < limit) return v % n;
    }
  }
}

}  // namespace

std::optional<std::string> GenerateRandomPassword(const PasswordPolicy& p) {
  if (p.length < 1 || p.length > 4096) return std::nullopt;
  std::vector<std::string> classes;
  auto add = [&](std::string_view chars, bool excluded) {
    if (excluded) return;
    std::string kept;
    for (char c : chars) {
      if (p.exclude_characters.find(c) == std::string::npos) kept.push_back(c);
    }
    if (!kept.empty()) classes.push_back(std::move(kept));
  };
  add(kLower, p.exclude_lowercase);
  add(kUpper, p.exclude_uppercase);
  add(kDigits, p.exclude_numbers);
  add(kPunct, p.exclude_punctuation);
  add(" ", !p.include_space);
  std::string all;
  for (const auto& c : classes) all += c;
  if (all.empty()) return std::nullopt;
  if (p.require_each_included_type && classes.size() > static_cast<size_t>(p.length)) return std::nullopt;
  for (;;) {
    std::string out(static_cast<size_t>(p.length), '\0');
    for (char& c : out) c = all[UniformIndex(all.size())];
    if (!p.require_each_included_type) return out;
    bool each = true;
    for (const auto& cls : classes) each = each && out.find_first_of(cls) != std::string::npos;
    if (each) return out;  // rejection keeps the distribution uniform over qualifying passwords
  }
}

}  // namespace csms::crypto
