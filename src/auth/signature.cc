#include "auth/signature.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "crypto/constant_time.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"

namespace csms::auth {

namespace {

using crypto::PercentEncode;

constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

bool IsWs(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsWs(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWs(s.back())) s.remove_suffix(1);
  return s;
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// RFC 7230 token characters, lower case only: every SDK lower-cases signed header names.
bool IsLowerHeaderName(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// Visible ASCII without the characters that delimit the Authorization header.
bool IsAccessKey(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c > 0x20 && c < 0x7f && c != ',' && c != ';' && c != '='; });
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding that keeps a '%' not followed by two hex digits as a literal '%', the way
// node's url.parse passes it through.
std::string LenientPercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The characters node's legacy url.parse escapes in a pathname (its autoEscapeChars) plus the
// remaining control characters.
bool NodeAutoEscapes(unsigned char c) {
  return c < 0x20 || c == 0x7f ||
         std::string_view(" \"'<>\\^`{|}").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string NodeReescape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (NodeAutoEscapes(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

void SplitTarget(std::string_view target, std::string_view* path, std::string_view* query) {
  size_t q = target.find('?');
  *path = target.substr(0, q);
  *query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  // A fragment never reaches a server, but never sign it if one does.
  size_t hash = query->find('#');
  if (hash != std::string_view::npos) *query = query->substr(0, hash);
}

// Parts 4 and 5. Returns false (with *missing set) when a listed header was not received.
bool CanonicalHeaders(const SignedRequestView& request, const std::vector<std::string>& signed_headers,
                      std::string* headers_part, std::string* names_part, std::string* missing) {
  headers_part->clear();
  names_part->clear();
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    std::string name = ToLower(signed_headers[i]);
    std::optional<std::string_view> value = request.header ? request.header(name) : std::optional<std::string_view>();
    if (!value) {
      *missing = name;
      return false;
    }
    headers_part->append(name).append(":").append(Trim(*value)).append("\n");
    if (i > 0) names_part->push_back(';');
    names_part->append(signed_headers[i]);
  }
  return true;
}

std::string JoinCanonical(std::string_view method, std::string_view uri, std::string_view query,
                          std::string_view headers, std::string_view names, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + uri.size() + query.size() + headers.size() + names.size() + payload_hash.size() + 5);
  out.append(method).append("\n");
  out.append(uri).append("\n");
  out.append(query).append("\n");
  out.append(headers).append("\n");  // headers end in '\n' already: an empty line follows
  out.append(names).append("\n");
  out.append(payload_hash);
  return out;
}

VerifyResult Result(VerifyCode code, std::string message) {
  VerifyResult r;
  r.code = code;
  r.message = std::move(message);
  return r;
}

std::optional<std::string_view> Header(const SignedRequestView& request, std::string_view name) {
  if (!request.header) return std::nullopt;
  return request.header(name);
}

}  // namespace

std::optional<ParsedAuthorization> ParseAuthorization(std::string_view header) {
  header = Trim(header);
  if (header.substr(0, kSdkHmacSha256.size()) != kSdkHmacSha256) return std::nullopt;
  std::string_view rest = header.substr(kSdkHmacSha256.size());
  if (rest.empty() || !IsWs(rest.front())) return std::nullopt;  // "SDK-HMAC-SHA256X" etc.
  rest = Trim(rest);

  ParsedAuthorization out;
  out.algorithm = std::string(kSdkHmacSha256);
  bool have_access = false, have_headers = false, have_signature = false;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view part = Trim(rest.substr(0, comma));
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view name = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    if (name == "Access") {
      if (have_access || !IsAccessKey(value)) return std::nullopt;
      out.access_key = std::string(value);
      have_access = true;
    } else if (name == "SignedHeaders") {
      if (have_headers || value.empty()) return std::nullopt;
      size_t start = 0;
      while (true) {
        size_t semi = value.find(';', start);
        std::string_view item = value.substr(start, semi - start);
        if (!IsLowerHeaderName(item)) return std::nullopt;
        out.signed_headers.emplace_back(item);
        if (semi == std::string_view::npos) break;
        start = semi + 1;
      }
      have_headers = true;
    } else if (name == "Signature") {
      if (have_signature || value.size() != 64 || !IsLowerHex(value)) return std::nullopt;
      out.signature = std::string(value);
      have_signature = true;
    } else {
      return std::nullopt;
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (!have_access || !have_headers || !have_signature) return std::nullopt;
  return out;
}

std::optional<std::string> CanonicalUri(std::string_view raw_path, UriMode mode) {
  std::string out;
  out.reserve(raw_path.size() + 8);
  size_t start = 0;
  while (true) {
    size_t slash = raw_path.find('/', start);
    std::string_view segment = raw_path.substr(start, slash - start);
    if (start > 0) out.push_back('/');
    if (mode == UriMode::kDecoded) {
      std::optional<std::string> decoded = crypto::PercentDecode(segment);
      if (!decoded) return std::nullopt;
      out.append(PercentEncode(*decoded));
    } else {
      out.append(PercentEncode(NodeReescape(LenientPercentDecode(segment))));
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (out.empty() || out.back() != '/') out.push_back('/');
  return out;
}

std::optional<std::string> CanonicalQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> items;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t amp = raw_query.find('&', start);
    std::string_view item = raw_query.substr(start, amp - start);
    if (!item.empty()) {
      size_t eq = item.find('=');
      std::optional<std::string> key = crypto::PercentDecode(item.substr(0, eq), true);
      std::optional<std::string> value =
          eq == std::string_view::npos ? std::string() : crypto::PercentDecode(item.substr(eq + 1), true);
      if (!key || !value) return std::nullopt;
      items.emplace_back(std::move(*key), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  // Sorting the decoded strings matches the SDKs, which sort before encoding.
  std::sort(items.begin(), items.end());
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back('&');
    out.append(PercentEncode(items[i].first)).append("=").append(PercentEncode(items[i].second));
  }
  return out;
}

std::optional<std::string> CanonicalRequest(const SignedRequestView& request,
                                            const std::vector<std::string>& signed_headers, UriMode mode) {
  std::string_view path, query;
  SplitTarget(request.target, &path, &query);
  std::optional<std::string> uri = CanonicalUri(path, mode);
  std::optional<std::string> canonical_query = CanonicalQuery(query);
  if (!uri || !canonical_query) return std::nullopt;
  std::string headers, names, missing;
  if (!CanonicalHeaders(request, signed_headers, &headers, &names, &missing)) {
    return std::nullopt;
  }
  std::optional<std::string_view> content_sha = Header(request, "x-sdk-content-sha256");
  std::string payload = content_sha ? std::string(Trim(*content_sha)) : crypto::Sha256Hex(request.body);
  return JoinCanonical(request.method, *uri, *canonical_query, headers, names, payload);
}

std::string StringToSign(std::string_view sdk_date, std::string_view canonical_request) {
  std::string out;
  out.reserve(kSdkHmacSha256.size() + sdk_date.size() + 66);
  out.append(kSdkHmacSha256).append("\n").append(sdk_date).append("\n");
  out.append(crypto::Sha256Hex(canonical_request));
  return out;
}

std::string Sign(std::string_view secret_key, std::string_view string_to_sign) {
  return crypto::HmacSha256Hex(secret_key, string_to_sign);
}

VerifyResult VerifySignature(const SignedRequestView& request, const ParsedAuthorization& auth,
                             std::string_view secret_key, int64_t now_epoch_seconds, int64_t max_skew_seconds) {
  if (auth.algorithm != kSdkHmacSha256) {
    return Result(VerifyCode::kUnsupportedAlgorithm, "unsupported signing algorithm '" + auth.algorithm + "'");
  }
  // Re-check what the parser guarantees, for callers that build the struct themselves.
  if (auth.signed_headers.empty() || auth.signature.size() != 64 || !IsLowerHex(auth.signature)) {
    return Result(VerifyCode::kMalformed, "malformed Authorization header");
  }
  for (const std::string& name : auth.signed_headers) {
    if (!IsLowerHeaderName(name)) {
      return Result(VerifyCode::kMalformed, "malformed SignedHeaders in Authorization header");
    }
  }

  std::optional<std::string_view> date_header = Header(request, "x-sdk-date");
  if (!date_header) return Result(VerifyCode::kMissingDate, "missing X-Sdk-Date header");
  if (std::find(auth.signed_headers.begin(), auth.signed_headers.end(), "x-sdk-date") == auth.signed_headers.end()) {
    return Result(VerifyCode::kDateNotSigned, "x-sdk-date is not in SignedHeaders");
  }
  std::string_view date = Trim(*date_header);
  std::optional<int64_t> signed_at = ParseSdkDate(date);
  if (!signed_at) {
    return Result(VerifyCode::kBadDateFormat, "X-Sdk-Date must have the form YYYYMMDDTHHMMSSZ");
  }
  int64_t skew = *signed_at - now_epoch_seconds;
  if (skew > max_skew_seconds || skew < -max_skew_seconds) {
    return Result(VerifyCode::kDateOutOfWindow,
                  "X-Sdk-Date is more than " + std::to_string(max_skew_seconds) + " seconds away from the server time");
  }

  std::string_view path, query;
  SplitTarget(request.target, &path, &query);
  std::optional<std::string> canonical_query = CanonicalQuery(query);
  if (!canonical_query) return Result(VerifyCode::kMalformed, "malformed query string escape");

  std::string headers, names, missing;
  if (!CanonicalHeaders(request, auth.signed_headers, &headers, &names, &missing)) {
    return Result(VerifyCode::kMissingSignedHeader, "signed header '" + missing + "' is missing from the request");
  }

  // Payload hash candidates. An explicit hash must match the body, or the body would be
  // unauthenticated while looking signed.
  struct Payload {
    std::string hash;
    bool is_unsigned;
  };
  std::vector<Payload> payloads;
  std::optional<std::string_view> content_sha = Header(request, "x-sdk-content-sha256");
  if (content_sha) {
    std::string_view value = Trim(*content_sha);
    if (value == kUnsignedPayload) {
      payloads.push_back({std::string(value), true});
      // Python signs the empty-body hash even when it sends UNSIGNED-PAYLOAD.
      if (request.body.empty()) payloads.push_back({std::string(kEmptySha256), false});
    } else {
      if (ToLower(value) != crypto::Sha256Hex(request.body)) {
        return Result(VerifyCode::kSignatureMismatch, "X-Sdk-Content-Sha256 does not match the request body");
      }
      payloads.push_back({std::string(value), false});
    }
  } else {
    payloads.push_back({crypto::Sha256Hex(request.body), false});
  }

  // Canonical URI candidates: "decoded" first, then "node" if it differs.
  std::vector<std::string> uris;
  if (std::optional<std::string> decoded = CanonicalUri(path, UriMode::kDecoded)) {
    uris.push_back(std::move(*decoded));
  }
  if (std::optional<std::string> node = CanonicalUri(path, UriMode::kNode)) {
    if (uris.empty() || *node != uris.front()) uris.push_back(std::move(*node));
  }

  for (const std::string& uri : uris) {
    for (const Payload& payload : payloads) {
      std::string canonical = JoinCanonical(request.method, uri, *canonical_query, headers, names, payload.hash);
      std::string expected = Sign(secret_key, StringToSign(date, canonical));
      if (crypto::ConstantTimeEquals(expected, auth.signature)) {
        VerifyResult ok = Result(VerifyCode::kOk, "ok");
        ok.payload_unsigned = payload.is_unsigned;
        return ok;
      }
    }
  }
  return Result(VerifyCode::kSignatureMismatch,
                "the request signature does not match the signature computed by the server");
}

std::string SignRequest(std::string_view ak, std::string_view sk, std::string_view method, std::string_view target,
                        const std::vector<std::pair<std::string, std::string>>& headers_to_sign, std::string_view body,
                        std::string_view sdk_date) {
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(headers_to_sign.size() + 1);
  for (const auto& [name, value] : headers_to_sign) {
    headers.emplace_back(ToLower(name), std::string(Trim(value)));
  }
  std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // A header listed twice is signed once, with its first value.
  headers.erase(
      std::unique(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
      headers.end());
  auto date_it = std::find_if(headers.begin(), headers.end(), [](const auto& h) { return h.first == "x-sdk-date"; });
  if (date_it == headers.end()) {
    headers.emplace_back("x-sdk-date", std::string(sdk_date));
    std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  } else if (date_it->second != sdk_date) {
    return std::string();
  }

  std::vector<std::string> names;
  names.reserve(headers.size());
  for (const auto& h : headers) names.push_back(h.first);

  SignedRequestView view;
  view.method = method;
  view.target = target;
  view.body = body;
  view.header = [&headers](std::string_view name) -> std::optional<std::string_view> {
    for (const auto& h : headers) {
      if (h.first == name) return std::string_view(h.second);
    }
    return std::nullopt;
  };
  // Sign like Go and Python (decoded path); a path with a stray '%' can only be signed the
  // node way, which keeps it literal.
  std::optional<std::string> canonical = CanonicalRequest(view, names, UriMode::kDecoded);
  if (!canonical) canonical = CanonicalRequest(view, names, UriMode::kNode);
  if (!canonical) return std::string();

  std::string out;
  out.append(kSdkHmacSha256).append(" Access=").append(ak).append(", SignedHeaders=");
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(';');
    out.append(names[i]);
  }
  out.append(", Signature=").append(Sign(sk, StringToSign(sdk_date, *canonical)));
  return out;
}

std::optional<int64_t> ParseSdkDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto digits = [&](size_t pos, size_t n) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  int year = digits(0, 4), month = digits(4, 2), day = digits(6, 2);
  int hour = digits(9, 2), minute = digits(11, 2), second = digits(13, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                  std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::string FormatSdkDate(int64_t epoch_seconds) {
  using namespace std::chrono;
  sys_seconds t{seconds(epoch_seconds)};
  sys_days day = floor<days>(t);
  year_month_day ymd(day);
  int64_t secs = (t - day).count();
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

}  // namespace csms::auth
