// DestinationPolicy: which addresses csmsd may call out to on a project's behalf (webhooks, http
// rotation functions), so a project admin cannot point csmsd at its own ports, the loopback or
// private network, or a cloud metadata service (SSRF). The operator's list (--webhook-allow) holds
// address classes (`external`, `loopback`, `private`, `link-local`), CIDRs, host names
// (`hooks.example.com`, `*.example.com`) or `*`. The clients check every address a name resolves
// to, right before connecting to it (net/), so DNS rebinding cannot bypass it; the event API
// refuses a target that is a literal address the list refuses at once. No I/O here.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace csms {

// An IP address. IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
// (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::) IPv6 forms are normalised to the IPv4 address
// they carry, so each is judged like that address.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4: the first 4

  static IpAddress V4(uint32_t host_order);
  static IpAddress V6(const uint8_t bytes[16]);  // normalised as above
  std::string ToString() const;
};

// Every literal form a resolver takes for an address: dotted quad and the inet_aton shorthands
// (127.1, 2130706433, 0x7f000001, 0177.0.0.1), IPv6 with or without brackets (a zone "%eth0" is
// ignored). False when `text` is a host name.
bool ParseIpLiteral(std::string_view text, IpAddress* out);

enum class AddressClass {
  kExternal,     // public unicast: everything not below
  kLoopback,     // 127.0.0.0/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, 100.64/10 (shared), fc00::/7, fec0::/10
  kLinkLocal,    // 169.254/16 (cloud metadata 169.254.169.254), fe80::/10
  kUnspecified,  // 0.0.0.0/8, ::
  kMulticast,    // 224/4, ff00::/8
  kBroadcast,    // 255.255.255.255
  kReserved,     // documentation, benchmarking, 240/4, 192.0.0/24, 2001:db8::/32, 100::/64
};
AddressClass Classify(const IpAddress& address);
const char* AddressClassName(AddressClass c);

class DestinationPolicy {
 public:
  // What a production server allows: `external` only.
  DestinationPolicy();
  // `*`: everything (--dev).
  static DestinationPolicy AllowAll();
  // A comma list of `external`, `loopback`, `private`, `link-local`, CIDRs (10.1.0.0/16,
  // fd00::/8), dotted host names (hooks.example.com, *.example.com) and `*`. Errors name the bad
  // item (a single word that is no class, "loopbak", is one).
  static Status Parse(std::string_view list, DestinationPolicy* out);

  // Whether a connection to `address`, found for the URL host `host`, is allowed.
  bool Allows(std::string_view host, const IpAddress& address) const;
  // For a URL host before any lookup: false only when it is a literal address that is refused
  // (a name is judged by the addresses it resolves to, at delivery time).
  bool AllowsHost(std::string_view host) const;
  // The error text of a refused destination, naming the rule: "destination 127.0.0.1 (loopback)
  // is not allowed by --webhook-allow".
  static std::string RefusedMessage(const IpAddress& address);

  bool allows_all() const { return all_; }
  const std::string& text() const { return text_; }  // the list as given

 private:
  struct Cidr {
    IpAddress base;
    int prefix = 0;
  };
  bool all_ = false;
  std::vector<AddressClass> classes_;
  std::vector<Cidr> cidrs_;
  std::vector<std::string> names_;  // lower-case; "*.example.com" kept with its "*."
  std::string text_;
};

}  // namespace csms
