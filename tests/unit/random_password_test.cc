// GenerateRandomPassword's generator (crypto/random_password.h) and its service checks: every flag
// honoured over many draws, require_each_included_type always met (also where rejection sampling
// gives up and the fallback runs), no bias between characters, impossible policies refused with the
// field named.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "crypto/random_password.h"
#include "service/password_service.h"

namespace csms::test {
namespace {

using crypto::PasswordPolicy;
using crypto::PasswordPolicyProblem;

constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kDigits = "0123456789";

bool HasAny(const std::string& s, std::string_view chars) { return s.find_first_of(chars) != std::string::npos; }

std::string Draw(const PasswordPolicy& p) {
  auto v = crypto::GenerateRandomPassword(p);
  EXPECT_TRUE(v);
  return v.value_or("");
}

TEST(RandomPasswordPolicy, DefaultsAreThirtyTwoCharactersWithoutSpace) {
  PasswordPolicy p;
  std::string all;
  for (int i = 0; i < 200; ++i) {
    std::string v = Draw(p);
    ASSERT_EQ(v.size(), 32u);
    EXPECT_EQ(v.find(' '), std::string::npos) << v;
    all += v;
  }
  // 6400 characters of 94: every class shows up.
  EXPECT_TRUE(HasAny(all, kLower) && HasAny(all, kUpper) && HasAny(all, kDigits) &&
              HasAny(all, crypto::kPasswordPunctuation));
  EXPECT_NE(Draw(p), Draw(p));
}

TEST(RandomPasswordPolicy, EachExclusionFlagIsHonouredOverManyDraws) {
  struct Case {
    bool PasswordPolicy::*flag;
    std::string_view banned;
  };
  for (Case c : {Case{&PasswordPolicy::exclude_lowercase, kLower}, Case{&PasswordPolicy::exclude_uppercase, kUpper},
                 Case{&PasswordPolicy::exclude_numbers, kDigits},
                 Case{&PasswordPolicy::exclude_punctuation, crypto::kPasswordPunctuation}}) {
    PasswordPolicy p;
    p.length = 64;
    p.*c.flag = true;
    for (int i = 0; i < 300; ++i) {
      std::string v = Draw(p);
      ASSERT_EQ(v.size(), 64u);
      EXPECT_FALSE(HasAny(v, c.banned)) << v;
    }
  }
}

TEST(RandomPasswordPolicy, ExcludedCharactersNeverAppear) {
  PasswordPolicy p;
  p.length = 128;
  p.exclude_characters = "aeiouAEIOU01lI|\"'`\\";
  for (int i = 0; i < 300; ++i) EXPECT_FALSE(HasAny(Draw(p), p.exclude_characters));
}

TEST(RandomPasswordPolicy, IncludeSpaceAddsSpace) {
  PasswordPolicy p;
  p.include_space = true;
  std::string all;
  for (int i = 0; i < 200; ++i) all += Draw(p);
  EXPECT_NE(all.find(' '), std::string::npos);  // missing in 6400 draws of 95: probability e^-67
}

TEST(RandomPasswordPolicy, RequireEachIncludedTypeIsAlwaysMet) {
  PasswordPolicy p;
  p.require_each_included_type = true;
  p.include_space = true;
  p.length = 5;  // five classes in five characters: the space alone makes rejection fail often
  for (int i = 0; i < 500; ++i) {
    std::string v = Draw(p);
    ASSERT_EQ(v.size(), 5u);
    EXPECT_TRUE(HasAny(v, kLower) && HasAny(v, kUpper) && HasAny(v, kDigits) &&
                HasAny(v, crypto::kPasswordPunctuation) && HasAny(v, " "))
        << "[" << v << "]";
  }
  // Classes shrunk to one character each by exclude_characters: the fallback path.
  PasswordPolicy tiny;
  tiny.require_each_included_type = true;
  tiny.length = 4;
  tiny.exclude_characters = std::string(kLower.substr(1)) + std::string(kUpper.substr(1)) +
                            std::string(kDigits.substr(1)) + std::string(crypto::kPasswordPunctuation.substr(1));
  for (int i = 0; i < 200; ++i) {
    std::string v = Draw(tiny);
    std::string sorted = v;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, "!0Aa") << v;
  }
}

TEST(RandomPasswordPolicy, CharactersAreDrawnWithoutBias) {
  // Ten digits: 256 % 10 != 0, so a modulo draw would give 0–5 a share of 26/256 each and 6–9
  // 25/256: over 1,000,000 draws, 609,375 for 0–5 instead of 600,000 ± 490 (one standard
  // deviation), 19 deviations off. The bounds are 5 deviations (0–5 together) and 6 (each digit),
  // so a fair draw fails them about once in a million runs, and a biased one always.
  PasswordPolicy p;
  p.exclude_lowercase = p.exclude_uppercase = p.exclude_punctuation = true;
  p.length = 4000;
  std::map<char, int> counts;
  for (int i = 0; i < 250; ++i) {
    for (char c : Draw(p)) ++counts[c];
  }
  ASSERT_EQ(counts.size(), 10u);
  int low = 0;
  for (auto [c, n] : counts) {
    EXPECT_NEAR(n, 100000, 1800) << c;
    if (c <= '5') low += n;
  }
  EXPECT_NEAR(low, 600000, 2450);
}

TEST(RandomPasswordPolicy, ImpossiblePoliciesAreRefused) {
  PasswordPolicy p;
  p.length = 0;
  EXPECT_EQ(crypto::CheckPasswordPolicy(p), PasswordPolicyProblem::kLengthOutOfRange);
  EXPECT_FALSE(crypto::GenerateRandomPassword(p));
  p.length = crypto::kMaxPasswordLength + 1;
  EXPECT_EQ(crypto::CheckPasswordPolicy(p), PasswordPolicyProblem::kLengthOutOfRange);
  p.length = crypto::kMaxPasswordLength;
  EXPECT_EQ(Draw(p).size(), static_cast<size_t>(crypto::kMaxPasswordLength));

  PasswordPolicy none;
  none.exclude_lowercase = none.exclude_uppercase = none.exclude_numbers = none.exclude_punctuation = true;
  EXPECT_EQ(crypto::CheckPasswordPolicy(none), PasswordPolicyProblem::kNoCharacterLeft);
  EXPECT_FALSE(crypto::GenerateRandomPassword(none));
  none.include_space = true;  // only spaces left: possible
  EXPECT_EQ(Draw(none), std::string(32, ' '));

  PasswordPolicy every_char;
  every_char.exclude_characters =
      std::string(kLower) + std::string(kUpper) + std::string(kDigits) + std::string(crypto::kPasswordPunctuation);
  EXPECT_EQ(crypto::CheckPasswordPolicy(every_char), PasswordPolicyProblem::kNoCharacterLeft);

  PasswordPolicy short_each;
  short_each.require_each_included_type = true;
  short_each.length = 3;  // four classes
  EXPECT_EQ(crypto::CheckPasswordPolicy(short_each), PasswordPolicyProblem::kTooShortForEachClass);
  short_each.exclude_punctuation = true;  // three classes fit in three
  EXPECT_EQ(crypto::CheckPasswordPolicy(short_each), PasswordPolicyProblem::kNone);
}

TEST(RandomPasswordPolicy, ServiceNamesTheFieldOfAnImpossiblePolicy) {
  std::string out;
  PasswordPolicy p;
  p.length = 0;
  Status s = GeneratePassword(p, &out);
  EXPECT_EQ(s.code(), "CSMS.0002");
  EXPECT_NE(s.message().find("length"), std::string::npos) << s.message();

  PasswordPolicy none;
  none.exclude_lowercase = none.exclude_uppercase = none.exclude_numbers = none.exclude_punctuation = true;
  s = GeneratePassword(none, &out);
  EXPECT_EQ(s.code(), "CSMS.0002");
  EXPECT_NE(s.message().find("exclude"), std::string::npos) << s.message();

  PasswordPolicy short_each;
  short_each.require_each_included_type = true;
  short_each.length = 2;
  s = GeneratePassword(short_each, &out);
  EXPECT_EQ(s.code(), "CSMS.0002");
  EXPECT_NE(s.message().find("require_each_included_type"), std::string::npos) << s.message();

  ASSERT_TRUE(GeneratePassword(PasswordPolicy(), &out).ok());
  EXPECT_EQ(out.size(), 32u);
}

}  // namespace
}  // namespace csms::test
