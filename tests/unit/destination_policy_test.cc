// The SSRF guard's address classifier and the --webhook-allow list (common/destination_policy.h).
#include "common/destination_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace csms {
namespace {

// Whether the production default (`external`) refuses a URL host given literally.
bool DefaultRefuses(const std::string& host) { return !DestinationPolicy().AllowsHost(host); }

AddressClass ClassOf(const std::string& literal) {
  IpAddress a;
  EXPECT_TRUE(ParseIpLiteral(literal, &a)) << literal;
  return Classify(a);
}

TEST(DestinationPolicyTest, EveryLiteralFormOfLoopbackIsLoopback) {
  for (const char* host :
       {"127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.0.0.2", "[::1]", "::1",
        "[::ffff:127.0.0.1]", "::ffff:7f00:1", "[::127.0.0.1]", "[64:ff9b::127.0.0.1]", "[2002:7f00:1::]"}) {
    EXPECT_EQ(ClassOf(host), AddressClass::kLoopback) << host;
    EXPECT_TRUE(DefaultRefuses(host)) << host;
  }
  IpAddress a;
  ASSERT_TRUE(ParseIpLiteral("2130706433", &a));
  EXPECT_EQ(a.ToString(), "127.0.0.1");
  ASSERT_TRUE(ParseIpLiteral("[::ffff:127.0.0.1]", &a));
  EXPECT_EQ(a.ToString(), "127.0.0.1");
}

TEST(DestinationPolicyTest, InternalRangesAreRefusedByDefault) {
  struct Case {
    const char* host;
    AddressClass cls;
  } cases[] = {
      {"0.0.0.0", AddressClass::kUnspecified},
      {"0", AddressClass::kUnspecified},
      {"[::]", AddressClass::kUnspecified},
      {"169.254.169.254", AddressClass::kLinkLocal},
      {"[fe80::1%eth0]", AddressClass::kLinkLocal},
      {"10.0.0.1", AddressClass::kPrivate},
      {"10.255.255.255", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.254", AddressClass::kPrivate},
      {"192.168.1.1", AddressClass::kPrivate},
      {"100.64.0.1", AddressClass::kPrivate},
      {"[fc00::1]", AddressClass::kPrivate},
      {"[fd12:3456::1]", AddressClass::kPrivate},
      {"[::ffff:10.1.2.3]", AddressClass::kPrivate},
      {"[::ffff:169.254.169.254]", AddressClass::kLinkLocal},
      {"224.0.0.1", AddressClass::kMulticast},
      {"[ff02::1]", AddressClass::kMulticast},
      {"255.255.255.255", AddressClass::kBroadcast},
      {"240.0.0.1", AddressClass::kReserved},
      {"192.0.2.1", AddressClass::kReserved},
      {"[2001:db8::1]", AddressClass::kReserved},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClassOf(c.host), c.cls) << c.host;
    EXPECT_TRUE(DefaultRefuses(c.host)) << c.host;
  }
}

TEST(DestinationPolicyTest, PublicAddressesAndNamesPassTheDefault) {
  for (const char* host :
       {"8.8.8.8", "172.32.0.1", "172.15.255.255", "93.184.216.34", "[2606:4700::1111]", "[::ffff:8.8.8.8]"}) {
    EXPECT_EQ(ClassOf(host), AddressClass::kExternal) << host;
    EXPECT_FALSE(DefaultRefuses(host)) << host;
  }
  // Names are judged at delivery time, by the addresses they resolve to.
  EXPECT_FALSE(DefaultRefuses("localhost"));
  EXPECT_FALSE(DefaultRefuses("hooks.example.com"));
  IpAddress a;
  EXPECT_FALSE(ParseIpLiteral("localhost", &a));
  EXPECT_FALSE(ParseIpLiteral("127.0.0.1 ", &a));
  EXPECT_FALSE(ParseIpLiteral("1.2.3.4.5", &a));
}

TEST(DestinationPolicyTest, ListsAllowWhatTheyName) {
  IpAddress loop, ten, meta, pub;
  ASSERT_TRUE(ParseIpLiteral("127.0.0.1", &loop));
  ASSERT_TRUE(ParseIpLiteral("10.1.2.3", &ten));
  ASSERT_TRUE(ParseIpLiteral("169.254.169.254", &meta));
  ASSERT_TRUE(ParseIpLiteral("8.8.8.8", &pub));

  DestinationPolicy p;
  ASSERT_TRUE(DestinationPolicy::Parse("loopback", &p).ok());
  EXPECT_TRUE(p.Allows("127.0.0.1", loop));
  EXPECT_FALSE(p.Allows("8.8.8.8", pub));  // `external` is not implied

  ASSERT_TRUE(DestinationPolicy::Parse("external, 10.1.0.0/16", &p).ok());
  EXPECT_TRUE(p.Allows("10.1.2.3", ten));
  EXPECT_TRUE(p.Allows("x", pub));
  EXPECT_FALSE(p.Allows("127.0.0.1", loop));
  EXPECT_FALSE(p.Allows("169.254.169.254", meta));

  ASSERT_TRUE(DestinationPolicy::Parse("private,link-local", &p).ok());
  EXPECT_TRUE(p.Allows("10.1.2.3", ten));
  EXPECT_TRUE(p.Allows("169.254.169.254", meta));

  ASSERT_TRUE(DestinationPolicy::Parse("hooks.internal, *.corp.example", &p).ok());
  EXPECT_TRUE(p.Allows("HOOKS.internal", ten));
  EXPECT_TRUE(p.Allows("a.b.corp.example", ten));
  EXPECT_FALSE(p.Allows("corp.example", ten));
  EXPECT_FALSE(p.Allows("evil-corp.example", ten));
  EXPECT_FALSE(p.Allows("other", ten));

  ASSERT_TRUE(DestinationPolicy::Parse("*", &p).ok());
  EXPECT_TRUE(p.Allows("x", loop));
  EXPECT_TRUE(DestinationPolicy::AllowAll().Allows("x", meta));

  for (const char* bad : {"", " , ", "loopbak", "10.0.0.0/33", "10.0.0.0/", "http://x", "a b"}) {
    EXPECT_FALSE(DestinationPolicy::Parse(bad, &p).ok()) << bad;
  }
  EXPECT_EQ(DestinationPolicy::RefusedMessage(loop),
            "destination 127.0.0.1 (loopback) is not allowed by --webhook-allow");
}

}  // namespace
}  // namespace csms
