#include "crypto/random_password.h"

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/random.h"

namespace csms::crypto {
namespace {

constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kDigits = "0123456789";

// Uniform indexes below n (1 ≤ n ≤ 256) from the DRBG, a buffer of random bytes at a time; bytes at
// or above the largest multiple of n are rejected, so no index is more likely than another.
class UniformSource {
 public:
  size_t Below(size_t n) {
    if (n > 256) return Below32(n);
    const unsigned limit = 256 - (256 % n);
    for (;;) {
      unsigned v = Byte();
      if (v < limit) return v % n;
    }
  }

 private:
  unsigned Byte() {
    if (pos_ == buf_.size()) {
      buf_ = RandomBytes(256);
      pos_ = 0;
    }
    return static_cast<unsigned char>(buf_[pos_++]);
  }
  // The same rejection over four bytes, for 256 < n ≤ 2^32.
  size_t Below32(size_t n) {
    const uint64_t range = uint64_t{1} << 32;
    const uint64_t limit = range - (range % n);
    for (;;) {
      uint64_t v = 0;
      for (int k = 0; k < 4; ++k) v = (v << 8) | Byte();
      if (v < limit) return static_cast<size_t>(v % n);
    }
  }

  std::string buf_;
  size_t pos_ = 0;
};

// The classes the policy leaves, each without the excluded characters; empty classes are dropped.
std::vector<std::string> Classes(const PasswordPolicy& p) {
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
  add(kPasswordPunctuation, p.exclude_punctuation);
  add(" ", !p.include_space);
  return classes;
}

PasswordPolicyProblem Check(const PasswordPolicy& p, const std::vector<std::string>& classes) {
  if (p.length < kMinPasswordLength || p.length > kMaxPasswordLength) return PasswordPolicyProblem::kLengthOutOfRange;
  if (classes.empty()) return PasswordPolicyProblem::kNoCharacterLeft;
  if (p.require_each_included_type && classes.size() > static_cast<size_t>(p.length)) {
    return PasswordPolicyProblem::kTooShortForEachClass;
  }
  return PasswordPolicyProblem::kNone;
}

bool HasEachClass(const std::string& out, const std::vector<std::string>& classes) {
  for (const auto& cls : classes) {
    if (out.find_first_of(cls) == std::string::npos) return false;
  }
  return true;
}

}  // namespace

PasswordPolicyProblem CheckPasswordPolicy(const PasswordPolicy& policy) { return Check(policy, Classes(policy)); }

std::optional<std::string> GenerateRandomPassword(const PasswordPolicy& p) {
  std::vector<std::string> classes = Classes(p);
  if (Check(p, classes) != PasswordPolicyProblem::kNone) return std::nullopt;
  std::string all;
  for (const auto& c : classes) all += c;
  UniformSource random;
  const size_t length = static_cast<size_t>(p.length);
  std::string out(length, '\0');
  // Rejection keeps the draw uniform over the passwords that qualify; it almost always succeeds at
  // once. Only policies where some required class is tiny next to a short length (one space among
  // 95 characters in 5) can fail often: they fall back below after a bounded number of tries.
  constexpr int kTries = 256;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    for (char& c : out) c = all[random.Below(all.size())];
    if (!p.require_each_included_type || HasEachClass(out, classes)) return out;
  }
  // One character of each class, the rest from all of them, then a Fisher–Yates shuffle so the
  // required characters sit at uniformly random places.
  size_t i = 0;
  for (const auto& cls : classes) out[i++] = cls[random.Below(cls.size())];
  for (; i < length; ++i) out[i] = all[random.Below(all.size())];
  for (size_t k = length - 1; k > 0; --k) {
    std::swap(out[k], out[random.Below(k + 1)]);
  }
  return out;
}

}  // namespace csms::crypto
