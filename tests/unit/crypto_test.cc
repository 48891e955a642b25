#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crypto/aead.h"
#include "crypto/constant_time.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/password.h"
#include "crypto/random.h"

namespace csms::crypto {
namespace {

std::string Hex(const std::array<uint8_t, 32>& a) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(a.data()), a.size()));
}

TEST(CryptoHash, Sha256KnownAnswers) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256("abc")), Sha256Hex("abc"));
  EXPECT_EQ(Sha256Hex("{}"), "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(CryptoHash, HmacSha256Rfc4231) {
  // Case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Case 1.
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Case 6: key longer than the block size.
  EXPECT_EQ(HmacSha256Hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            HmacSha256Hex("Jefe", "what do ya want for nothing?"));
}

TEST(CryptoHash, HmacEmptyKeyDoesNotReusePreviousKey) {
  // The per-thread context is re-keyed on every call; an empty key must not keep the old one.
  HmacSha256Hex("Jefe", "x");
  EXPECT_EQ(HmacSha256Hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(CryptoHash, ThreadsAgree) {
  const std::string expected = HmacSha256Hex("key", "message");
  const std::string expected_sha = Sha256Hex("message");
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (HmacSha256Hex("key", "message") != expected) ++bad[t];
        if (Sha256Hex("message") != expected_sha) ++bad[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int b : bad) EXPECT_EQ(b, 0);
}

TEST(CryptoRandom, BytesAndHex) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(33).size(), 33u);
  EXPECT_NE(RandomBytes(16), RandomBytes(16));
  std::string hex = RandomHex(20);
  ASSERT_EQ(hex.size(), 40u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(CryptoRandom, UuidV4Format) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string u = NewUuid();
    ASSERT_EQ(u.size(), 36u);
    for (size_t j = 0; j < u.size(); ++j) {
      if (j == 8 || j == 13 || j == 18 || j == 23) {
        EXPECT_EQ(u[j], '-');
      } else {
        EXPECT_NE(std::string("0123456789abcdef").find(u[j]), std::string::npos) << u;
      }
    }
    EXPECT_EQ(u[14], '4') << u;
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 100u);
}

// RandomBytes buffers DRBG output per thread: a forked child must not hand out what its parent
// will (the buffer is copied into the child with the rest of the memory).
TEST(CryptoRandom, AForkedChildDoesNotRepeatItsParentsBytes) {
  RandomBytes(16);  // the buffer now holds unserved bytes
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string child = RandomBytes(16);
    ssize_t written = write(fds[1], child.data(), child.size());
    _exit(written == 16 ? 0 : 1);
  }
  close(fds[1]);
  std::string parent = RandomBytes(16);
  std::string child(16, '\0');
  ssize_t got = read(fds[0], child.data(), child.size());
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_EQ(got, 16);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(parent, child);
}

TEST(CryptoRandom, TimeOrderedUuidCarriesTheMillisecondsAndSortsByThem) {
  // RFC 9562's example time, 2022-02-22 19:22:22 UTC: the first 48 bits are 0x017f22e279b0.
  std::string u = NewTimeOrderedUuid(1645557742000);
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u.substr(0, 13), "017f22e2-79b0") << u;
  EXPECT_EQ(u[14], '7') << u;
  EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
  EXPECT_NE(NewTimeOrderedUuid(1645557742000), u);  // 74 random bits within the millisecond
  // Later milliseconds sort after earlier ones, as text too (what the indexes compare).
  std::string prev;
  for (int64_t ms :
       {int64_t{0}, int64_t{1}, int64_t{255}, int64_t{256}, int64_t{1645557742000}, int64_t{281474976710655}}) {
    std::string next = NewTimeOrderedUuid(ms);
    EXPECT_LT(prev, next) << ms;
    prev = next;
  }
  // The clock's own: within a few seconds of now.
  auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::string hex = NewTimeOrderedUuid().substr(0, 13);
  hex.erase(8, 1);
  EXPECT_LT(std::llabs(static_cast<long long>(std::stoll(hex, nullptr, 16) - now_ms)), 60'000LL);
}

TEST(CryptoConstantTime, Equals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(CryptoAead, RoundTrip) {
  const std::string key = RandomBytes(32);
  for (std::string plain : {std::string(), std::string("x"), std::string(1000, 'p'), std::string("bin\0ary", 7)}) {
    std::string sealed = Seal(key, plain, "aad");
    ASSERT_EQ(sealed.size(), kAeadNonceSize + plain.size() + kAeadTagSize);
    auto opened = Open(key, sealed, "aad");
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(*opened, plain);
  }
  // Empty aad works too, and nonces differ between seals.
  std::string a = Seal(key, "same", "");
  std::string b = Seal(key, "same", "");
  EXPECT_NE(a, b);
  EXPECT_EQ(Open(key, a, "").value_or("?"), "same");
}

TEST(CryptoAead, EveryTamperFails) {
  const std::string key = RandomBytes(32);
  const std::string plain = "the secret value";
  const std::string sealed = Seal(key, plain, "secret-id/v1");
  ASSERT_TRUE(Open(key, sealed, "secret-id/v1").has_value());
  // Flip one bit in every byte position: nonce, ciphertext and tag.
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string t = sealed;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    EXPECT_FALSE(Open(key, t, "secret-id/v1").has_value()) << "byte " << i;
  }
  // AAD changed, dropped or extended.
  EXPECT_FALSE(Open(key, sealed, "secret-id/v2").has_value());
  EXPECT_FALSE(Open(key, sealed, "").has_value());
  EXPECT_FALSE(Open(key, sealed, "secret-id/v1x").has_value());
  // Truncated or extended.
  EXPECT_FALSE(Open(key, sealed.substr(0, sealed.size() - 1), "secret-id/v1").has_value());
  EXPECT_FALSE(Open(key, sealed + "x", "secret-id/v1").has_value());
  EXPECT_FALSE(Open(key, sealed.substr(0, 27), "secret-id/v1").has_value());
  EXPECT_FALSE(Open(key, "", "secret-id/v1").has_value());
}

TEST(CryptoAead, WrongOrBadKeyFails) {
  const std::string key = RandomBytes(32);
  std::string sealed = Seal(key, "plain", "");
  std::string other = key;
  other[31] = static_cast<char>(other[31] ^ 0x80);
  EXPECT_FALSE(Open(other, sealed, "").has_value());
  EXPECT_FALSE(Open(key.substr(0, 16), sealed, "").has_value());
  EXPECT_EQ(Seal(key.substr(0, 31), "plain", ""), "");
  EXPECT_EQ(Seal(key + "x", "plain", ""), "");
}

TEST(CryptoEncoding, Hex) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexDecode("0001abff").value(), std::string("\x00\x01\xab\xff", 4));
  EXPECT_EQ(HexDecode("ABFF").value(), "\xab\xff");
  EXPECT_EQ(HexDecode("").value(), "");
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
  EXPECT_FALSE(HexDecode("0 ").has_value());
}

TEST(CryptoEncoding, Base64Rfc4648) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, b64] : cases) {
    EXPECT_EQ(Base64Encode(plain), b64);
    EXPECT_EQ(Base64Decode(b64).value_or("<fail>"), plain) << b64;
  }
  std::string bin;
  for (int i = 0; i < 256; ++i) bin.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64Decode(Base64Encode(bin)).value(), bin);
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
}

TEST(CryptoEncoding, Base64Strict) {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Zg===", "Zm 9v", " Zm9v", "Zm9v\n", "Zm9v\r\n", "Zm-v", "Zm_v", "Z=9v",
                          "=m9v", "====", "Zg==Zg==", "Zm9v=", "Zm9v!", "A==="}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
  // Non-canonical trailing bits are accepted.
  EXPECT_EQ(Base64Decode("Zh==").value(), "f");
}

TEST(CryptoEncoding, Base64Url) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlDecode("-_8").value(), "\xfb\xff");
  EXPECT_EQ(Base64UrlDecode("Zm9vYmFy").value(), "foobar");
  EXPECT_EQ(Base64UrlDecode("Zg").value(), "f");
  EXPECT_EQ(Base64UrlDecode("").value(), "");
  for (const char* bad : {"Zg==", "+/8", "Z", "Zm9vY", "Zm 9", "Zg\n"}) {
    EXPECT_FALSE(Base64UrlDecode(bad).has_value()) << bad;
  }
}

TEST(CryptoEncoding, PercentEncodeAuthSpec31) {
  EXPECT_EQ(PercentEncode(" "), "%20");
  EXPECT_EQ(PercentEncode("*"), "%2A");
  EXPECT_EQ(PercentEncode("/"), "%2F");
  EXPECT_EQ(PercentEncode("+"), "%2B");
  EXPECT_EQ(PercentEncode("~"), "~");
  EXPECT_EQ(PercentEncode("\xc3\xa9"), "%C3%A9");  // é
  EXPECT_EQ(PercentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(PercentEncode("a b/c*~+\xc3\xa9"), "a%20b%2Fc%2A~%2B%C3%A9");
  EXPECT_EQ(PercentEncode("!'()=&%"), "%21%27%28%29%3D%26%25");
  EXPECT_EQ(PercentEncode(std::string("\0", 1)), "%00");
}

TEST(CryptoEncoding, PercentDecode) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc*~%2B%C3%A9").value(), "a b/c*~+\xc3\xa9");
  EXPECT_EQ(PercentDecode("%2a%2A").value(), "**");
  EXPECT_EQ(PercentDecode("a+b").value(), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true).value(), "a b");
  EXPECT_EQ(PercentDecode("%2B", true).value(), "+");
  EXPECT_EQ(PercentDecode("").value(), "");
  for (const char* bad : {"%", "%2", "a%g0", "%%", "abc%2"}) {
    EXPECT_FALSE(PercentDecode(bad).has_value()) << bad;
  }
}

TEST(CryptoPassword, HashAndVerify) {
  std::string encoded = HashPassword("correct horse", 1000);
  EXPECT_EQ(encoded.rfind("pbkdf2-sha256$1000$", 0), 0u) << encoded;
  EXPECT_TRUE(VerifyPassword("correct horse", encoded));
  EXPECT_FALSE(VerifyPassword("correct horsf", encoded));
  EXPECT_FALSE(VerifyPassword("", encoded));
  // Salted: the same password hashes differently.
  EXPECT_NE(HashPassword("correct horse", 1000), encoded);
  // Empty password is still a password.
  EXPECT_TRUE(VerifyPassword("", HashPassword("", 10)));
}

TEST(CryptoPassword, KnownAnswer) {
  // The widely published PBKDF2-HMAC-SHA256("password", "salt", c=1, dkLen=32) vector.
  std::string encoded = "pbkdf2-sha256$1$" + Base64Encode("salt") + "$" +
                        Base64Encode(HexDecode("120fb6cffcf8b32c43e7225256c4f837"
                                               "a86548c92ccc35480805987cb70be17b")
                                         .value());
  EXPECT_TRUE(VerifyPassword("password", encoded));
}

TEST(CryptoPassword, DefaultIterations) {
  std::string encoded = HashPassword("pw");
  EXPECT_EQ(encoded.rfind("pbkdf2-sha256$100000$", 0), 0u) << encoded;
}

TEST(CryptoPassword, MalformedEncodingsRejected) {
  std::string good = HashPassword("pw", 10);
  ASSERT_TRUE(VerifyPassword("pw", good));
  size_t d1 = good.find('$');
  size_t d2 = good.find('$', d1 + 1);
  size_t d3 = good.find('$', d2 + 1);
  std::string salt = good.substr(d2 + 1, d3 - d2 - 1);
  std::string hash = good.substr(d3 + 1);
  const std::string bads[] = {
      "",
      "pbkdf2-sha256",
      "pbkdf2-sha256$10",
      "pbkdf2-sha256$10$" + salt,
      "pbkdf2-sha1$10$" + salt + "$" + hash,
      "PBKDF2-SHA256$10$" + salt + "$" + hash,
      "pbkdf2-sha256$$" + salt + "$" + hash,
      "pbkdf2-sha256$0$" + salt + "$" + hash,
      "pbkdf2-sha256$010$" + salt + "$" + hash,
      "pbkdf2-sha256$-10$" + salt + "$" + hash,
      "pbkdf2-sha256$10x$" + salt + "$" + hash,
      "pbkdf2-sha256$99999999999$" + salt + "$" + hash,
      "pbkdf2-sha256$10$$" + hash,
      "pbkdf2-sha256$10$" + salt + "$",
      "pbkdf2-sha256$10$" + salt + "!$" + hash,
      "pbkdf2-sha256$10$" + salt + "$" + hash + "$",
      "pbkdf2-sha256$10$" + salt + "$" + hash.substr(0, hash.size() - 4),
      "pbkdf2-sha256$10$" + salt + "$" + hash + "AAAA",
      "pbkdf2-sha256$11$" + salt + "$" + hash,  // wrong iteration count: wrong hash
  };
  for (const std::string& bad : bads) EXPECT_FALSE(VerifyPassword("pw", bad)) << bad;
}

}  // namespace
}  // namespace csms::crypto
