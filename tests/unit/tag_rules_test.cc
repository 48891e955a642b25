// The tag rules of spec §1.8 (domain/tag.h) with Unicode's classes (common/unicode.h): letters,
// numbers and separators of every script, white space as Unicode defines it, lengths in
// characters.
#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include <string>

#include "common/unicode.h"
#include "domain/tag.h"

namespace csms::test {
namespace {

TEST(TagRules, UnicodeClassesNotAscii) {
  for (char32_t c : {U'a', U'Z', U'ß', U'ж', U'漢', U'ك', U'7', U'٣', U'Ⅻ', U'½', U' ', U'\u00a0', U'\u3000'}) {
    EXPECT_TRUE(unicode::IsLetterSeparatorOrNumber(c)) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U'/', U'*', U'\t', U'\n', U'😀', U'\u200b', U'\u0301'}) {
    EXPECT_FALSE(unicode::IsLetterSeparatorOrNumber(c)) << static_cast<uint32_t>(c);
  }
  EXPECT_TRUE(unicode::IsWhiteSpace(U'\u3000'));
  EXPECT_TRUE(unicode::IsWhiteSpace(U'\t'));
  EXPECT_FALSE(unicode::IsWhiteSpace(U'x'));
}

// csmsd answers ASCII itself and loads ICU only for the rest (common/unicode.cc): for every ASCII
// code point its answer is ICU's (this test links ICU, csmsd does not).
TEST(TagRules, AsciiClassesAreIcus) {
  for (char32_t c = 0; c < 0x80; ++c) {
    const bool lzn = (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_Z_MASK | U_GC_N_MASK)) != 0;
    EXPECT_EQ(unicode::IsLetterSeparatorOrNumber(c), lzn) << static_cast<uint32_t>(c);
    EXPECT_EQ(unicode::IsWhiteSpace(c), u_isUWhiteSpace(static_cast<UChar32>(c)) != 0) << static_cast<uint32_t>(c);
  }
}

TEST(TagRules, Keys) {
  for (std::string ok : {std::string("env"), std::string("Zuständig"), std::string("环境 名"),
                         std::string("a_b.c:d=e+f-g@h"), std::string(128, 'k')}) {
    EXPECT_TRUE(tags::CheckKey("key", ok).ok()) << ok;
  }
  std::string han;
  for (int i = 0; i < 128; ++i) han += "漢";
  EXPECT_TRUE(tags::CheckKey("key", han).ok());
  for (std::string bad : {std::string(), std::string(129, 'k'), han + "漢", std::string("a/b"), std::string(" a"),
                          std::string("a "), std::string("\u3000a"), std::string("a\u00a0"), std::string("_sys_x"),
                          std::string("a\xff"), std::string("😀")}) {
    Status s = tags::CheckKey("tags[0].key", bad);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.code(), "CSMS.0002");
    EXPECT_NE(s.message().find("tags[0].key"), std::string::npos) << s.message();
  }
  // Only the prefix is reserved.
  EXPECT_TRUE(tags::CheckKey("key", "my_sys_key").ok());
}

TEST(TagRules, Values) {
  for (std::string ok : {std::string(), std::string("a/b c"), std::string(" lead and trail "), std::string(255, 'v'),
                         std::string("Jörg")}) {
    EXPECT_TRUE(tags::CheckValue("value", ok).ok()) << ok;
  }
  for (std::string bad : {std::string(256, 'v'), std::string("a*b"), std::string("line\n"), std::string("😀")}) {
    EXPECT_FALSE(tags::CheckValue("value", bad).ok()) << bad;
  }
}

// A tag being written uses the NFC spelling when that one is within the rules: U+212B ANGSTROM SIGN
// and U+2126 OHM SIGN normalise to U+00C5 and U+03A9, Hangul jamo L+V compose into a syllable. A
// letter whose NFC form needs a combining mark (U+0958, composition-excluded) keeps its spelling.
// Naming a key to delete or filter checks none of this: a tag stored before the rule stays reachable.
TEST(TagRules, NewTagsUseTheNfcSpelling) {
  for (std::string bad : {std::string("\u212B"), std::string("x\u2126"), std::string("\u1100\u1161")}) {
    Status s = tags::CheckNewKey("tags[0].key", bad);
    EXPECT_EQ(s.code(), "CSMS.0002") << bad;
    EXPECT_NE(s.message().find("Normalization Form C"), std::string::npos) << s.message();
    EXPECT_EQ(tags::CheckNewValue("tags[0].value", bad).code(), "CSMS.0002") << bad;
    EXPECT_TRUE(tags::CheckKey("tags[0].key", bad).ok()) << bad;
    EXPECT_TRUE(tags::CheckValue("tags[0].value", bad).ok()) << bad;
  }
  for (std::string ok : {std::string("\u00C5"), std::string("x\u03A9"), std::string("\uAC00"), std::string("abc"),
                         std::string("\u0958"), std::string("\uFB2A")}) {
    EXPECT_TRUE(tags::CheckNewKey("key", ok).ok()) << ok;
    EXPECT_TRUE(tags::CheckNewValue("value", ok).ok()) << ok;
  }
}

}  // namespace
}  // namespace csms::test
