// Strength estimates of candidate secret values (CheckSecrets, spec §1.9, and the per-project
// checking_secret_strength flag). StrengthChecker is the interface; ZxcvbnStrengthChecker is the
// real estimator, Debian's libzxcvbn (the C port of Dropbox's zxcvbn): entropy in bits from
// dictionary, keyboard, sequence, repeat and date matches, never a home-made rule list.
//
// Estimates never carry the value itself, nor any part of it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace csms {

struct StrengthEstimate {
  double entropy_bits = 0;  // log2 of the guesses zxcvbn expects an attacker to need
  int score = 0;            // 0 (too guessable) .. 4 (very unguessable), zxcvbn's scale
  bool weak = true;         // score below kStrongScore
  int length = 0;           // characters (UTF-8 code points) of the value
  // Why the value is guessable, e.g. "dictionary word", "keyboard pattern"; empty for strong values.
  std::vector<std::string> reasons;
};

// The lowest score that is not weak: 3 means at least 10^8 guesses (about 26.6 bits), zxcvbn's
// "safely unguessable" (moderate protection even against an offline attack on a slow hash).
inline constexpr int kStrongScore = 3;

class StrengthChecker {
 public:
  virtual ~StrengthChecker() = default;
  // `user_inputs`: words that make the value weaker when it contains them (e.g. the secret's name).
  virtual StrengthEstimate Estimate(std::string_view value, const std::vector<std::string>& user_inputs) const = 0;
};

// libzxcvbn keeps no mutable global state (its dictionary is built in and read-only), so one
// checker serves every thread at once.
class ZxcvbnStrengthChecker final : public StrengthChecker {
 public:
  StrengthEstimate Estimate(std::string_view value, const std::vector<std::string>& user_inputs) const override;
};

// zxcvbn's score for an entropy: guesses = 2^bits against the thresholds 10^3, 10^6, 10^8, 10^10.
int ScoreForEntropy(double entropy_bits);

}  // namespace csms
