// Huawei Cloud SDK-HMAC-SHA256 request signatures (signing §3, docs/auth.md): the
// server-side verifier and a client-side signer. Independent of any HTTP library.
//
// Server flow: ParseAuthorization → caller looks up the SK for access_key → VerifySignature →
// caller checks the project id against the path and the AK's grants.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::auth {

inline constexpr std::string_view kSdkHmacSha256 = "SDK-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr int64_t kDefaultMaxSkewSeconds = 900;  // the real gateway allows ±15 min

// What the signature covers, as received. The views must outlive the call.
struct SignedRequestView {
  std::string_view method;  // as sent, e.g. "GET"
  std::string_view target;  // raw request target as on the wire: path plus optional ?query
  // Value of a request header given its lower-case name; nullopt if absent.
  std::function<std::optional<std::string_view>(std::string_view lower_name)> header;
  std::string_view body;  // raw body bytes (GET bodies too: the SDK signs "{}" on some GETs)
};

// `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, Signature=<64 lower-case hex>`.
struct ParsedAuthorization {
  std::string algorithm;  // always kSdkHmacSha256 when parsed
  std::string access_key;
  std::vector<std::string> signed_headers;  // lower-case names, in the order given
  std::string signature;                    // 64 lower-case hex characters
};

// nullopt unless the header has exactly that shape. Whitespace around the parts is tolerated;
// the algorithm, the part names (each exactly once) and the value syntax are strict, so any
// other algorithm (V11-HMAC-SHA256, SDK-HMAC-SM3, ...) is rejected here.
std::optional<ParsedAuthorization> ParseAuthorization(std::string_view header);

// How the canonical URI is derived from the wire path (signing §3.3, docs/reference.md).
enum class UriMode {
  kDecoded,  // Go, Python, C++: percent-decode each segment, then encode
  kNode,     // Node: decode, re-escape what node's url.parse escapes, then encode
};

// Part 2: each '/'-separated segment encoded, always ending in exactly one '/'. nullopt in
// kDecoded mode when a segment has a malformed '%' escape (kNode keeps such '%' literal).
std::optional<std::string> CanonicalUri(std::string_view raw_path, UriMode mode);
// Part 3 from the raw query (without '?'): empty items are ignored (the C++ SDK sends a
// trailing '&'), '+' decodes to a space, items are sorted by key then value and re-encoded.
// nullopt on a malformed '%' escape.
std::optional<std::string> CanonicalQuery(std::string_view raw_query);

// The full canonical request (six parts joined by '\n'). nullopt if a listed header is missing
// or the target cannot be canonicalised in `mode`. The payload hash is the x-sdk-content-sha256
// header value when present, else the SHA-256 hex of the body.
std::optional<std::string> CanonicalRequest(const SignedRequestView& request,
                                            const std::vector<std::string>& signed_headers, UriMode mode);

// "SDK-HMAC-SHA256\n<sdk_date>\n<sha256 hex of canonical_request>".
std::string StringToSign(std::string_view sdk_date, std::string_view canonical_request);
// Lower-case hex HMAC-SHA256 keyed with the SK's bytes.
std::string Sign(std::string_view secret_key, std::string_view string_to_sign);

enum class VerifyCode {
  kOk,
  kMalformed,  // request cannot be canonicalised (bad escapes, bad parsed fields)
  kUnsupportedAlgorithm,
  kMissingDate,          // no X-Sdk-Date header
  kDateNotSigned,        // x-sdk-date absent from SignedHeaders
  kBadDateFormat,        // not YYYYMMDDTHHMMSSZ
  kDateOutOfWindow,      // more than max_skew_seconds from now
  kMissingSignedHeader,  // a header named in SignedHeaders was not received
  kSignatureMismatch,
};

struct VerifyResult {
  VerifyCode code = VerifyCode::kMalformed;
  std::string message;  // human readable; safe to return to the client
  // True when the accepted signature used UNSIGNED-PAYLOAD, i.e. the body is not covered.
  bool payload_unsigned = false;

  bool ok() const { return code == VerifyCode::kOk; }
};

// Checks the signature of `request` against `auth`, signed with `secret_key`. Does not look at
// project ids: the caller does that once the signature is known to be good.
VerifyResult VerifySignature(const SignedRequestView& request, const ParsedAuthorization& auth,
                             std::string_view secret_key, int64_t now_epoch_seconds,
                             int64_t max_skew_seconds = kDefaultMaxSkewSeconds);

// Client side: returns the full Authorization header value. Header names are lower-cased,
// values trimmed, and the names sorted for SignedHeaders. x-sdk-date is added with `sdk_date`
// when missing from `headers_to_sign`. Returns "" if the target has a malformed query escape
// or headers_to_sign carries an x-sdk-date different from `sdk_date`.
std::string SignRequest(std::string_view ak, std::string_view sk, std::string_view method, std::string_view target,
                        const std::vector<std::pair<std::string, std::string>>& headers_to_sign, std::string_view body,
                        std::string_view sdk_date);

// "YYYYMMDDTHHMMSSZ" (UTC) ↔ seconds since the Unix epoch. Parsing rejects any other shape and
// impossible dates (month 13, Feb 30, hour 24, ...).
std::optional<int64_t> ParseSdkDate(std::string_view text);
std::string FormatSdkDate(int64_t epoch_seconds);

}  // namespace csms::auth
