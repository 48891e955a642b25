// The zxcvbn strength estimator behind CheckSecrets and checking_secret_strength.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "service/strength_checker.h"

namespace csms::test {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(StrengthChecker, CommonPasswordsAreWeakWithReasons) {
  ZxcvbnStrengthChecker checker;
  for (const char* weak : {"password", "123456", "qwerty", "letmein", "aaaaaaaaaa", "abcdefgh", "P@ssw0rd"}) {
    StrengthEstimate e = checker.Estimate(weak, {});
    EXPECT_TRUE(e.weak) << weak << " " << e.entropy_bits;
    EXPECT_LT(e.score, kStrongScore) << weak;
    EXPECT_FALSE(e.reasons.empty()) << weak;
  }
  EXPECT_TRUE(Has(checker.Estimate("password", {}).reasons, "dictionary word"));
  EXPECT_TRUE(Has(checker.Estimate("asdfghjkl;", {}).reasons, "keyboard pattern"));
  EXPECT_EQ(checker.Estimate("password", {}).length, 8);
}

TEST(StrengthChecker, RandomValuesAreStrong) {
  ZxcvbnStrengthChecker checker;
  for (const char* strong : {"x7#Kp2@mNq9$Lr4&Vt8*", "correct horse battery staple", "h9T!wQ2z#Lm4"}) {
    StrengthEstimate e = checker.Estimate(strong, {});
    EXPECT_FALSE(e.weak) << strong << " " << e.entropy_bits;
    EXPECT_GE(e.score, kStrongScore) << strong;
    EXPECT_TRUE(e.reasons.empty()) << strong;
  }
  EXPECT_EQ(checker.Estimate("x7#Kp2@mNq9$Lr4&Vt8*", {}).score, 4);
}

TEST(StrengthChecker, UserInputsAndEmbeddedNulCount) {
  ZxcvbnStrengthChecker checker;
  // A value built from a user input (the secret's name) is weaker than the same value without it.
  double plain = checker.Estimate("orders-db-prod", {}).entropy_bits;
  double named = checker.Estimate("orders-db-prod", {"orders-db-prod"}).entropy_bits;
  EXPECT_LT(named, plain);
  // A NUL does not cut the value short: what follows it still counts.
  std::string with_nul("password\0x7#Kp2@mNq9$Lr4&Vt8*", 29);
  EXPECT_GT(checker.Estimate(with_nul, {}).entropy_bits, checker.Estimate("password", {}).entropy_bits + 40);
  EXPECT_EQ(checker.Estimate(with_nul, {}).length, 29);
}

TEST(StrengthChecker, ScoresFollowZxcvbnThresholds) {
  EXPECT_EQ(ScoreForEntropy(0), 0);
  EXPECT_EQ(ScoreForEntropy(9.9), 0);
  EXPECT_EQ(ScoreForEntropy(10), 1);
  EXPECT_EQ(ScoreForEntropy(20), 2);
  EXPECT_EQ(ScoreForEntropy(26.5), 2);
  EXPECT_EQ(ScoreForEntropy(26.6), 3);
  EXPECT_EQ(ScoreForEntropy(33.3), 4);
}

TEST(StrengthChecker, LongValuesStayQuick) {
  // 32 KiB (the largest secret value) of one repeated pattern: an answer, weak, not a hang.
  ZxcvbnStrengthChecker checker;
  StrengthEstimate e = checker.Estimate(std::string(32768, 'a'), {});
  EXPECT_TRUE(e.weak);
  EXPECT_EQ(e.length, 32768);
}

}  // namespace
}  // namespace csms::test
