// The versioned Keyring (crypto/keyring.h): the active version seals, every loaded version opens
// and says which one did, copies share their versions, and the id stays the first key's.
#include <gtest/gtest.h>

#include "crypto/keyring.h"
#include "crypto/random.h"

namespace csms::crypto {
namespace {

std::shared_ptr<const KeyProvider> RandomKey(const char* name) { return MakeRawKeyProvider(RandomBytes(32), name); }

TEST(MasterKeyringTest, ActiveVersionSealsAndEveryVersionOpens) {
  auto v1 = RandomKey("v1"), v2 = RandomKey("v2");
  Keyring ring = Keyring::FromProvider(v1);
  std::string id = ring.Id();
  Keyring copy = ring;  // e.g. the KeyStore's copy
  std::string old_seal = ring.Seal("data key", "aad");
  ASSERT_FALSE(old_seal.empty());

  ring.SetVersions({{1, v1}, {2, v2}}, 2);
  EXPECT_EQ(copy.active_version(), 2);
  EXPECT_EQ(copy.Id(), id);
  std::string new_seal = copy.Seal("data key", "aad");
  std::string plain;
  // Only v2 opens the new seal: it was sealed with the active version.
  EXPECT_TRUE(v2->Open(new_seal, "aad", &plain));
  EXPECT_FALSE(v1->Open(new_seal, "aad", &plain));
  int64_t version = 0;
  ASSERT_TRUE(ring.Open(old_seal, "aad", &plain, &version).ok());
  EXPECT_EQ(plain, "data key");
  EXPECT_EQ(version, 1);
  ASSERT_TRUE(ring.Open(new_seal, "aad", &plain, &version).ok());
  EXPECT_EQ(version, 2);
  EXPECT_FALSE(ring.Open(new_seal, "other aad", &plain, &version).ok());

  // v1 retired: what it sealed no longer opens.
  ring.SetVersions({{2, v2}}, 2);
  EXPECT_FALSE(ring.Open(old_seal, "aad", &plain, &version).ok());
  EXPECT_EQ(version, 0);
}

TEST(MasterKeyringTest, FileKeyIdIsUnchanged) {
  // The id csms derived from a key file before versions existed (HMAC-SHA256 of a fixed text).
  Keyring ring;
  ASSERT_TRUE(Keyring::FromHex(std::string(64, '0'), &ring).ok());
  EXPECT_EQ(ring.Id(), "aaaa060e-ebe9-f199-715b-4601da631633");
}

}  // namespace
}  // namespace csms::crypto
