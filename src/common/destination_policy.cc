#include "common/destination_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/errors.h"

namespace csms {
namespace {

uint32_t V4Of(const IpAddress& a) {
  return (uint32_t{a.bytes[0]} << 24) | (uint32_t{a.bytes[1]} << 16) | (uint32_t{a.bytes[2]} << 8) | a.bytes[3];
}

bool InV4(uint32_t ip, uint32_t base, int prefix) {
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (ip & mask) == (base & mask);
}

constexpr uint32_t Quad(uint32_t a, uint32_t b, uint32_t c, uint32_t d) { return (a << 24) | (b << 16) | (c << 8) | d; }

bool PrefixMatches(const IpAddress& a, const IpAddress& base, int prefix) {
  if (a.v6 != base.v6) return false;
  int full = prefix / 8, rest = prefix % 8;
  if (!std::equal(a.bytes.begin(), a.bytes.begin() + full, base.bytes.begin())) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == (base.bytes[full] & mask);
}

AddressClass ClassifyV4(uint32_t ip) {
  if (InV4(ip, Quad(0, 0, 0, 0), 8)) return AddressClass::kUnspecified;
  if (InV4(ip, Quad(127, 0, 0, 0), 8)) return AddressClass::kLoopback;
  if (InV4(ip, Quad(10, 0, 0, 0), 8) || InV4(ip, Quad(172, 16, 0, 0), 12) || InV4(ip, Quad(192, 168, 0, 0), 16) ||
      InV4(ip, Quad(100, 64, 0, 0), 10))
    return AddressClass::kPrivate;
  if (InV4(ip, Quad(169, 254, 0, 0), 16)) return AddressClass::kLinkLocal;
  if (ip == Quad(255, 255, 255, 255)) return AddressClass::kBroadcast;
  if (InV4(ip, Quad(224, 0, 0, 0), 4)) return AddressClass::kMulticast;
  if (InV4(ip, Quad(240, 0, 0, 0), 4) || InV4(ip, Quad(192, 0, 0, 0), 24) || InV4(ip, Quad(192, 0, 2, 0), 24) ||
      InV4(ip, Quad(192, 88, 99, 0), 24) || InV4(ip, Quad(198, 18, 0, 0), 15) || InV4(ip, Quad(198, 51, 100, 0), 24) ||
      InV4(ip, Quad(203, 0, 113, 0), 24))
    return AddressClass::kReserved;
  return AddressClass::kExternal;
}

AddressClass ClassifyV6(const std::array<uint8_t, 16>& b) {
  bool zero_to_14 = std::all_of(b.begin(), b.begin() + 15, [](uint8_t x) { return x == 0; });
  if (zero_to_14 && b[15] == 0) return AddressClass::kUnspecified;
  if (zero_to_14 && b[15] == 1) return AddressClass::kLoopback;
  if (b[0] == 0xff) return AddressClass::kMulticast;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;
  if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)) return AddressClass::kPrivate;
  if ((b[0] & 0xe0) != 0x20) return AddressClass::kReserved;  // outside 2000::/3 (e.g. 100::/64)
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return AddressClass::kReserved;  // 2001:db8::/32
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) return AddressClass::kReserved;  // 2001::/23 (Teredo, ...)
  return AddressClass::kExternal;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A dotted host name: a single word is taken for a misspelt class ("loopbak"), not a host.
bool IsHostName(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

}  // namespace

IpAddress IpAddress::V4(uint32_t ip) {
  IpAddress a;
  a.bytes[0] = static_cast<uint8_t>(ip >> 24);
  a.bytes[1] = static_cast<uint8_t>(ip >> 16);
  a.bytes[2] = static_cast<uint8_t>(ip >> 8);
  a.bytes[3] = static_cast<uint8_t>(ip);
  return a;
}

IpAddress IpAddress::V6(const uint8_t b[16]) {
  auto zero = [&](int from, int to) { return std::all_of(b + from, b + to, [](uint8_t x) { return x == 0; }); };
  auto v4_at = [&](int i) {
    return V4((uint32_t{b[i]} << 24) | (uint32_t{b[i + 1]} << 16) | (uint32_t{b[i + 2]} << 8) | b[i + 3]);
  };
  if (zero(0, 10) && b[10] == 0xff && b[11] == 0xff) return v4_at(12);               // ::ffff:a.b.c.d
  if (zero(0, 8) && b[8] == 0xff && b[9] == 0xff && zero(10, 12)) return v4_at(12);  // ::ffff:0:a.b.c.d
  if (zero(0, 12) && !(zero(12, 15) && b[15] <= 1)) return v4_at(12);                // ::a.b.c.d (not ::, ::1)
  if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zero(4, 12)) return v4_at(12);  // 64:ff9b::/96
  if (b[0] == 0x20 && b[1] == 0x02) return v4_at(2);                                               // 2002::/16 (6to4)
  IpAddress a;
  a.v6 = true;
  std::copy(b, b + 16, a.bytes.begin());
  return a;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof(buf));
  return buf;
}

bool ParseIpLiteral(std::string_view text, IpAddress* out) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 64) return false;
  if (text.find(':') != std::string_view::npos) {
    std::string s(text.substr(0, text.find('%')));  // a zone (fe80::1%eth0) does not change the class
    in6_addr a6;
    if (inet_pton(AF_INET6, s.c_str(), &a6) != 1) return false;
    *out = IpAddress::V6(a6.s6_addr);
    return true;
  }
  // inet_aton takes every form getaddrinfo takes as a number (127.1, 0x7f000001, 2130706433,
  // 0177.0.0.1), but also stops at white space: none is allowed.
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; })) return false;
  std::string s(text);
  in_addr a4;
  if (inet_aton(s.c_str(), &a4) == 0) return false;
  *out = IpAddress::V4(ntohl(a4.s_addr));
  return true;
}

AddressClass Classify(const IpAddress& address) {
  return address.v6 ? ClassifyV6(address.bytes) : ClassifyV4(V4Of(address));
}

const char* AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kExternal:
      return "external";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kBroadcast:
      return "broadcast";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

DestinationPolicy::DestinationPolicy() : classes_{AddressClass::kExternal}, text_("external") {}

DestinationPolicy DestinationPolicy::AllowAll() {
  DestinationPolicy p;
  p.all_ = true;
  p.classes_.clear();
  p.text_ = "*";
  return p;
}

Status DestinationPolicy::Parse(std::string_view list, DestinationPolicy* out) {
  DestinationPolicy p;
  p.classes_.clear();
  p.text_ = std::string(list);
  bool any = false;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string_view item =
        Trim(list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    start = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
    if (item.empty()) continue;
    any = true;
    std::string lower = Lower(item);
    if (lower == "*") {
      p.all_ = true;
    } else if (lower == "external") {
      p.classes_.push_back(AddressClass::kExternal);
    } else if (lower == "loopback") {
      p.classes_.push_back(AddressClass::kLoopback);
    } else if (lower == "private") {
      p.classes_.push_back(AddressClass::kPrivate);
    } else if (lower == "link-local") {
      p.classes_.push_back(AddressClass::kLinkLocal);
    } else if (size_t slash = lower.find('/'); slash != std::string::npos) {
      std::string base = lower.substr(0, slash), bits = lower.substr(slash + 1);
      Cidr cidr;
      uint8_t raw[16];
      bool v6 = base.find(':') != std::string::npos;
      bool ok = inet_pton(v6 ? AF_INET6 : AF_INET, base.c_str(), raw) == 1 && !bits.empty() && bits.size() <= 3 &&
                std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; });
      int prefix = ok ? std::stoi(bits) : -1;
      if (ok && v6) {
        cidr.base = IpAddress::V6(raw);
        if (!cidr.base.v6) prefix -= 96;  // ::ffff:10.0.0.0/104 is 10.0.0.0/8
      } else if (ok) {
        cidr.base =
            IpAddress::V4((uint32_t{raw[0]} << 24) | (uint32_t{raw[1]} << 16) | (uint32_t{raw[2]} << 8) | raw[3]);
      }
      if (!ok || prefix < 0 || prefix > (cidr.base.v6 ? 128 : 32)) {
        return errors::InvalidParameter("--webhook-allow: invalid CIDR '" + std::string(item) + "'");
      }
      cidr.prefix = prefix;
      p.cidrs_.push_back(cidr);
    } else if (IpAddress a; ParseIpLiteral(lower, &a)) {
      p.cidrs_.push_back({a, a.v6 ? 128 : 32});
    } else if (IsHostName(lower.rfind("*.", 0) == 0 ? lower.substr(2) : lower)) {
      p.names_.push_back(lower);
    } else {
      return errors::InvalidParameter("--webhook-allow: '" + std::string(item) +
                                      "' is none of external, loopback, private, link-local, a CIDR, a host name, *");
    }
  }
  if (!any) return errors::InvalidParameter("--webhook-allow: the list is empty (the default is 'external')");
  *out = std::move(p);
  return Status::OK();
}

bool DestinationPolicy::Allows(std::string_view host, const IpAddress& address) const {
  if (all_) return true;
  if (!names_.empty()) {
    std::string h = Lower(host);
    if (!h.empty() && h.back() == '.') h.pop_back();
    for (const std::string& name : names_) {
      if (name == h) return true;
      if (name.rfind("*.", 0) == 0 && h.size() > name.size() - 1 &&
          h.compare(h.size() - (name.size() - 1), name.size() - 1, name, 1) == 0)
        return true;
    }
  }
  AddressClass c = Classify(address);
  if (std::find(classes_.begin(), classes_.end(), c) != classes_.end()) return true;
  for (const Cidr& cidr : cidrs_) {
    if (PrefixMatches(address, cidr.base, cidr.prefix)) return true;
  }
  return false;
}

bool DestinationPolicy::AllowsHost(std::string_view host) const {
  IpAddress a;
  if (!ParseIpLiteral(host, &a)) return true;
  return Allows(host, a);
}

std::string DestinationPolicy::RefusedMessage(const IpAddress& address) {
  return "destination " + address.ToString() + " (" + AddressClassName(Classify(address)) +
         ") is not allowed by --webhook-allow";
}

}  // namespace csms
