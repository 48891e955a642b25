#include "auth/signature.h"

#include <gtest/gtest.h>

#include "support/request_view.h"

#include <map>
#include <string>
#include <vector>

#include "crypto/hash.h"

namespace csms::auth {
namespace {

constexpr int64_t kNow = 1704110400;  // 2024-01-01T12:00:00Z
constexpr char kProject[] = "0123456789abcdef0123456789abcdef";
constexpr char kAk[] = "HPUAEXAMPLEAK0000001";
constexpr char kSk[] = "exampleSecretKey0123456789abcdefEXAMPLE0";
constexpr char kTempAk[] = "HPUATEMPAK00000000002";
constexpr char kTempSk[] = "tempSecretKeyEXAMPLE";
constexpr char kDate[] = "20240101T120000Z";
constexpr char kV2Body[] =
    "{\"name\":\"demo-secret\",\"secret_string\":\"p@ss w0rd\",\"description\":\"h\xc3\xa9llo\"}";

// A received request: headers keyed by lower-case name.
struct FakeRequest : test::HeaderMapRequest {
  std::string ak;
  std::string sk;
  std::string authorization;  // expected, from signing §4 (docs/reference.md)

  std::vector<std::pair<std::string, std::string>> SignedHeaderPairs() const {
    return {headers.begin(), headers.end()};
  }
};

std::map<std::string, std::string> BaseHeaders() {
  return {{"content-type", "application/json"},
          {"host", "127.0.0.1:8080"},
          {"x-project-id", kProject},
          {"x-sdk-date", kDate}};
}

std::string Path(const std::string& rest) { return std::string("/v1/") + kProject + rest; }

FakeRequest V1() {
  return {"GET",
          Path("/csms/events?limit=10&marker=abc"),
          BaseHeaders(),
          "",
          kAk,
          kSk,
          "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, "
          "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
          "Signature=9ae4c2c17a3fb7ea39842180f29562ee2625e7719b354538153134e1b4b14fec"};
}

FakeRequest V2() {
  return {"POST",
          Path("/secrets"),
          BaseHeaders(),
          kV2Body,
          kAk,
          kSk,
          "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, "
          "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
          "Signature=36f1a975247f34c823702af9bf065a2bda883e30d81f14066fbf36ff98181f5b"};
}

FakeRequest V3() {
  auto headers = BaseHeaders();
  headers["x-security-token"] = "STS-TOKEN-EXAMPLE==";
  return {"GET",
          Path("/secrets?marker=a%20b%2Fc*~%2B%C3%A9&limit=5&event_name=evt_1&tag=a&tag=z"),
          headers,
          "",
          kTempAk,
          kTempSk,
          "SDK-HMAC-SHA256 Access=HPUATEMPAK00000000002, "
          "SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, "
          "Signature=62b1bfb22e49b4caf68fea2404490c7399d5074d70dd59f6e09970b45be0c760"};
}

FakeRequest X1() {
  auto headers = BaseHeaders();
  headers["content-type"] = "application/octet-stream";
  headers["x-sdk-content-sha256"] = "UNSIGNED-PAYLOAD";
  return {"PUT",
          Path("/blob"),
          headers,
          "raw-bytes",
          kAk,
          kSk,
          "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, "
          "SignedHeaders=content-type;host;x-project-id;x-sdk-content-sha256;x-sdk-date, "
          "Signature=80fc168f8662d4defe04da9697e5283859ed939efb5247a90ef18cd3d3fffe35"};
}

FakeRequest X2() {
  return {"GET",
          Path("/csms/events"),
          BaseHeaders(),
          "{}",
          kAk,
          kSk,
          "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, "
          "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
          "Signature=ee83dfe2ec4a78dbf26886555c5e1cdf1774cbb00f77d85fe357a53f551a6f6d"};
}

// Parses r.authorization and verifies r with r.sk.
VerifyResult Verify(const FakeRequest& r, int64_t now = kNow) {
  auto auth = ParseAuthorization(r.authorization);
  if (!auth) {
    VerifyResult bad;
    bad.code = VerifyCode::kMalformed;
    bad.message = "test: unparsable authorization";
    return bad;
  }
  return VerifySignature(r.View(), *auth, r.sk, now);
}

std::string Sign(const FakeRequest& r) {
  return SignRequest(r.ak, r.sk, r.method, r.target, r.SignedHeaderPairs(), r.body, kDate);
}

// Re-signs r after a change that the server must accept (same canonical form).
FakeRequest Resigned(FakeRequest r) {
  r.authorization = Sign(r);
  return r;
}

std::string CanonicalOf(const FakeRequest& r) {
  auto auth = ParseAuthorization(r.authorization);
  EXPECT_TRUE(auth.has_value());
  return CanonicalRequest(r.View(), auth->signed_headers, UriMode::kDecoded).value_or("<fail>");
}

// ---- The vectors of signing §4 (docs/reference.md) ---------------------------------------

TEST(SignatureVectors, AllVerifyAndSignerReproduces) {
  const std::pair<const char*, FakeRequest> vectors[] = {
      {"V1", V1()}, {"V2", V2()}, {"V3", V3()}, {"X1", X1()}, {"X2", X2()}};
  for (const auto& [name, r] : vectors) {
    VerifyResult result = Verify(r);
    EXPECT_EQ(result.code, VerifyCode::kOk) << name << ": " << result.message;
    EXPECT_EQ(Sign(r), r.authorization) << name;
  }
}

TEST(SignatureVectors, V1Intermediates) {
  FakeRequest r = V1();
  std::string canonical = CanonicalOf(r);
  EXPECT_EQ(canonical,
            "GET\n/v1/0123456789abcdef0123456789abcdef/csms/events/\nlimit=10&marker=abc\n"
            "content-type:application/json\nhost:127.0.0.1:8080\n"
            "x-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20240101T120000Z\n\n"
            "content-type;host;x-project-id;x-sdk-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(crypto::Sha256Hex(canonical), "e95ddc7e236f53d2b0b6bf9cadcdda514b9cb5424a17127643170e1dd8e8dea1");
  EXPECT_EQ(StringToSign(kDate, canonical),
            "SDK-HMAC-SHA256\n20240101T120000Z\n"
            "e95ddc7e236f53d2b0b6bf9cadcdda514b9cb5424a17127643170e1dd8e8dea1");
  EXPECT_EQ(auth::Sign(kSk, StringToSign(kDate, canonical)),
            "9ae4c2c17a3fb7ea39842180f29562ee2625e7719b354538153134e1b4b14fec");
}

TEST(SignatureVectors, V2Intermediates) {
  FakeRequest r = V2();
  EXPECT_EQ(crypto::Sha256Hex(r.body), "ff3dcf3b85898b7106d354964f848eaa0bbc0f299a03ee36a1c18bb71afbf9c5");
  std::string canonical = CanonicalOf(r);
  EXPECT_EQ(canonical,
            "POST\n/v1/0123456789abcdef0123456789abcdef/secrets/\n\n"
            "content-type:application/json\nhost:127.0.0.1:8080\n"
            "x-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20240101T120000Z\n\n"
            "content-type;host;x-project-id;x-sdk-date\n"
            "ff3dcf3b85898b7106d354964f848eaa0bbc0f299a03ee36a1c18bb71afbf9c5");
  EXPECT_EQ(crypto::Sha256Hex(canonical), "9627a7f58a365e2752c3b09c030d43e8c6a4e596bb924522f531af4c8c5095b0");
}

TEST(SignatureVectors, V3Intermediates) {
  FakeRequest r = V3();
  EXPECT_EQ(CanonicalQuery("marker=a%20b%2Fc*~%2B%C3%A9&limit=5&event_name=evt_1&tag=a&tag=z").value(),
            "event_name=evt_1&limit=5&marker=a%20b%2Fc%2A~%2B%C3%A9&tag=a&tag=z");
  std::string canonical = CanonicalOf(r);
  EXPECT_EQ(canonical,
            "GET\n/v1/0123456789abcdef0123456789abcdef/secrets/\n"
            "event_name=evt_1&limit=5&marker=a%20b%2Fc%2A~%2B%C3%A9&tag=a&tag=z\n"
            "content-type:application/json\nhost:127.0.0.1:8080\n"
            "x-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20240101T120000Z\n"
            "x-security-token:STS-TOKEN-EXAMPLE==\n\n"
            "content-type;host;x-project-id;x-sdk-date;x-security-token\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(crypto::Sha256Hex(canonical), "55bd0a2f29ec29abebc2a421eae33f12d29ece0289a6181feee2fcc77dd854fb");
}

TEST(SignatureVectors, ExtraPayloadLines) {
  std::string x1 = CanonicalOf(X1());
  EXPECT_EQ(x1.substr(x1.rfind('\n') + 1), "UNSIGNED-PAYLOAD");
  std::string x2 = CanonicalOf(X2());
  EXPECT_EQ(x2.substr(x2.rfind('\n') + 1), "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  // X1's body is not covered; the caller learns that.
  EXPECT_TRUE(Verify(X1()).payload_unsigned);
  EXPECT_FALSE(Verify(X2()).payload_unsigned);
}

// ---- Tampering ----------------------------------------------------------------------------

void ExpectTamperingFails(const FakeRequest& original, const char* name) {
  SCOPED_TRACE(name);
  ASSERT_TRUE(Verify(original).ok());
  auto expect = [&](const FakeRequest& r, VerifyCode code, const char* what) {
    EXPECT_EQ(Verify(r).code, code) << what;
  };
  {
    FakeRequest r = original;
    r.method = r.method == "GET" ? "DELETE" : "PUT";
    expect(r, VerifyCode::kSignatureMismatch, "method");
  }
  {
    FakeRequest r = original;
    r.method = r.method == "GET" ? "get" : "post";
    expect(r, VerifyCode::kSignatureMismatch, "method case");
  }
  {
    FakeRequest r = original;
    r.target[5] = r.target[5] == '0' ? '1' : '0';  // inside the project id
    expect(r, VerifyCode::kSignatureMismatch, "path byte");
  }
  {
    FakeRequest r = original;
    size_t q = r.target.find('?');
    size_t pos = q == std::string::npos ? r.target.size() - 1 : q - 1;
    r.target[pos] = static_cast<char>(r.target[pos] ^ 0x01);
    expect(r, VerifyCode::kSignatureMismatch, "last path byte");
  }
  if (original.target.find('?') != std::string::npos) {
    FakeRequest r = original;
    size_t eq = r.target.find("limit=");
    ASSERT_NE(eq, std::string::npos);
    r.target[eq + 6] = r.target[eq + 6] == '1' ? '2' : '1';
    expect(r, VerifyCode::kSignatureMismatch, "query value");
  }
  {
    FakeRequest r = original;
    r.target += original.target.find('?') == std::string::npos ? "?extra=1" : "&extra=1";
    expect(r, VerifyCode::kSignatureMismatch, "added query item");
  }
  {
    FakeRequest r = original;
    r.headers["x-project-id"] = "0123456789abcdef0123456789abcdee";
    expect(r, VerifyCode::kSignatureMismatch, "x-project-id");
  }
  {
    FakeRequest r = original;
    r.headers["host"] = "127.0.0.1:8081";
    expect(r, VerifyCode::kSignatureMismatch, "host");
  }
  {
    FakeRequest r = original;
    r.headers["content-type"] = "text/plain";
    expect(r, VerifyCode::kSignatureMismatch, "content-type");
  }
  {
    FakeRequest r = original;
    r.headers["x-sdk-date"] = "20240101T120001Z";
    expect(r, VerifyCode::kSignatureMismatch, "date +1s");
  }
  {
    FakeRequest r = original;
    r.headers["x-sdk-date"] = "20240101T115959Z";
    expect(r, VerifyCode::kSignatureMismatch, "date -1s");
  }
  {
    FakeRequest r = original;
    r.sk = r.sk.substr(0, r.sk.size() - 1) + "1";
    expect(r, VerifyCode::kSignatureMismatch, "wrong sk");
  }
  {
    FakeRequest r = original;
    r.body = "x";
    expect(r, VerifyCode::kSignatureMismatch, "body added/replaced");
  }
  {
    FakeRequest r = original;
    r.headers.erase("host");
    expect(r, VerifyCode::kMissingSignedHeader, "signed header removed");
  }
  {
    FakeRequest r = original;
    size_t pos = r.authorization.size() - 1;
    r.authorization[pos] = r.authorization[pos] == '0' ? '1' : '0';
    expect(r, VerifyCode::kSignatureMismatch, "signature byte");
  }
}

TEST(SignatureTamper, V1) { ExpectTamperingFails(V1(), "V1"); }
TEST(SignatureTamper, V2) {
  ExpectTamperingFails(V2(), "V2");
  for (size_t i = 0; i < std::string(kV2Body).size(); ++i) {
    FakeRequest r = V2();
    r.body[i] = static_cast<char>(r.body[i] ^ 0x01);
    EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch) << "body byte " << i;
  }
  FakeRequest r = V2();
  r.body.pop_back();
  EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch);
}
TEST(SignatureTamper, V3) {
  ExpectTamperingFails(V3(), "V3");
  FakeRequest r = V3();
  r.headers["x-security-token"] = "STS-TOKEN-EXAMPLE=";
  EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch);
  r = V3();
  r.target = Path("/secrets?marker=a%20b%2Fc*~%2B%C3%A9&limit=5&event_name=evt_1&tag=a&tag=y");
  EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch);
  r = V3();  // a literal '+' is a space, not the signed '+'
  r.target = Path("/secrets?marker=a%20b%2Fc*~+%C3%A9&limit=5&event_name=evt_1&tag=a&tag=z");
  EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch);
  r = V3();  // drop one of the repeated values
  r.target = Path("/secrets?marker=a%20b%2Fc*~%2B%C3%A9&limit=5&event_name=evt_1&tag=a");
  EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch);
}

TEST(SignatureTamper, ContentShaHeaderMustMatchBody) {
  FakeRequest r = V2();
  r.headers["x-sdk-content-sha256"] = crypto::Sha256Hex(r.body);
  r = Resigned(r);
  EXPECT_TRUE(Verify(r).ok()) << Verify(r).message;
  r.body[0] = '[';
  EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch);
}

// ---- Date rules ---------------------------------------------------------------------------

TEST(SignatureDate, Window) {
  FakeRequest r = V1();
  EXPECT_TRUE(Verify(r, kNow + 900).ok());
  EXPECT_TRUE(Verify(r, kNow - 900).ok());
  EXPECT_EQ(Verify(r, kNow + 901).code, VerifyCode::kDateOutOfWindow);
  EXPECT_EQ(Verify(r, kNow - 901).code, VerifyCode::kDateOutOfWindow);
  EXPECT_EQ(Verify(r, kNow + 86400).code, VerifyCode::kDateOutOfWindow);
  auto auth = ParseAuthorization(r.authorization);
  EXPECT_TRUE(VerifySignature(r.View(), *auth, r.sk, kNow + 3000, 3600).ok());
  EXPECT_EQ(VerifySignature(r.View(), *auth, r.sk, kNow + 60, 30).code, VerifyCode::kDateOutOfWindow);
}

TEST(SignatureDate, MissingNotSignedOrMalformed) {
  FakeRequest r = V1();
  r.headers.erase("x-sdk-date");
  EXPECT_EQ(Verify(r).code, VerifyCode::kMissingDate);

  // x-sdk-date sent but not listed in SignedHeaders.
  r = V1();
  r.authorization =
      SignRequest(r.ak, r.sk, r.method, r.target, {{"host", "127.0.0.1:8080"}, {"x-sdk-date", kDate}}, "", kDate);
  ASSERT_TRUE(Verify(r).ok());
  auto auth = ParseAuthorization(r.authorization);
  auth->signed_headers = {"host"};
  EXPECT_EQ(VerifySignature(r.View(), *auth, r.sk, kNow).code, VerifyCode::kDateNotSigned);

  for (const char* bad : {"2024-01-01T12:00:00Z", "20240101T120000", "20240101 120000Z", "20240101t120000Z",
                          "20241301T120000Z", "20240230T120000Z", "20240101T240000Z", "20240101T126000Z",
                          "2024010xT120000Z", "Mon, 01 Jan 2024 12:00:00 GMT", ""}) {
    r = V1();
    r.headers["x-sdk-date"] = bad;
    EXPECT_EQ(Verify(r).code, VerifyCode::kBadDateFormat) << bad;
  }
}

TEST(SignatureDate, ParseAndFormat) {
  EXPECT_EQ(ParseSdkDate("20240101T120000Z").value(), kNow);
  EXPECT_EQ(ParseSdkDate("19700101T000000Z").value(), 0);
  EXPECT_EQ(ParseSdkDate("20240229T235959Z").value(), 1709251199);
  EXPECT_FALSE(ParseSdkDate("20230229T000000Z").has_value());
  EXPECT_FALSE(ParseSdkDate("20240101T120000Z ").has_value());
  EXPECT_EQ(FormatSdkDate(kNow), "20240101T120000Z");
  EXPECT_EQ(FormatSdkDate(0), "19700101T000000Z");
  EXPECT_EQ(FormatSdkDate(1709251199), "20240229T235959Z");
  for (int64_t t : {int64_t{951782400}, int64_t{4102444799}, kNow + 12345}) {
    EXPECT_EQ(ParseSdkDate(FormatSdkDate(t)).value(), t);
  }
}

// ---- Accepted variations ------------------------------------------------------------------

TEST(SignatureVariations, ReorderedQueryTrailingSlashTrailingAmpersand) {
  FakeRequest r = V1();
  r.target = Path("/csms/events?marker=abc&limit=10");
  EXPECT_TRUE(Verify(r).ok()) << "reordered query";
  r.target = Path("/csms/events/?limit=10&marker=abc");
  EXPECT_TRUE(Verify(r).ok()) << "trailing slash";
  r.target = Path("/csms/events?limit=10&marker=abc&");  // the C++ SDK
  EXPECT_TRUE(Verify(r).ok()) << "trailing &";
  r.target = Path("/csms/events?&limit=10&&marker=abc&");
  EXPECT_TRUE(Verify(r).ok()) << "empty items";
  r.target = Path("/csms/events//?limit=10&marker=abc");
  EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch) << "double slash is a new segment";

  FakeRequest v3 = V3();
  v3.target = Path("/secrets?tag=z&limit=5&tag=a&event_name=evt_1&marker=a+b%2fc%2A%7E%2b%c3%a9&");
  EXPECT_TRUE(Verify(v3).ok()) << "V3 re-encoded and reordered";
}

TEST(SignatureVariations, HeaderWhitespaceTrimmed) {
  FakeRequest r = V1();
  r.headers["x-project-id"] = std::string("  ") + kProject + "\t";
  EXPECT_TRUE(Verify(r).ok());
}

TEST(SignatureVariations, PythonUnsignedPayloadEmptyBody) {
  // Python sends UNSIGNED-PAYLOAD but signs the empty-body hash.
  FakeRequest r = V1();
  r.authorization = Sign(r);  // signed over the empty-body hash
  r.headers["x-sdk-content-sha256"] = "UNSIGNED-PAYLOAD";
  VerifyResult result = Verify(r);
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_FALSE(result.payload_unsigned);
  // Only for an empty body.
  r.body = "x";
  EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch);
}

TEST(SignatureVariations, EmptyQueryValueAndNoValue) {
  EXPECT_EQ(CanonicalQuery("b=&a").value(), "a=&b=");
  EXPECT_EQ(CanonicalQuery("").value(), "");
  EXPECT_EQ(CanonicalQuery("&&").value(), "");
  EXPECT_EQ(CanonicalQuery("a=1=2").value(), "a=1%3D2");
  EXPECT_EQ(CanonicalQuery("b=2&B=1&a=3").value(), "B=1&a=3&b=2");  // upper case sorts first
  EXPECT_EQ(CanonicalQuery("k=b&k=a&k=").value(), "k=&k=a&k=b");
  EXPECT_FALSE(CanonicalQuery("a=%zz").has_value());
  FakeRequest r = V1();
  r.target = Path("/csms/events?limit=10&marker=%zz");
  EXPECT_EQ(Verify(r).code, VerifyCode::kMalformed);
}

TEST(SignatureUri, Modes) {
  EXPECT_EQ(CanonicalUri("", UriMode::kDecoded).value(), "/");
  EXPECT_EQ(CanonicalUri("/", UriMode::kDecoded).value(), "/");
  EXPECT_EQ(CanonicalUri("/v1/p/csms/events", UriMode::kDecoded).value(), "/v1/p/csms/events/");
  EXPECT_EQ(CanonicalUri("/v1/p/csms/events/", UriMode::kDecoded).value(), "/v1/p/csms/events/");
  EXPECT_EQ(CanonicalUri("/a%20b/c%2Fd/%C3%A9/a:b", UriMode::kDecoded).value(), "/a%20b/c%2Fd/%C3%A9/a%3Ab/");
  EXPECT_EQ(CanonicalUri("/a%20b/a%7Bb%7D/a'b/a|b/a^b", UriMode::kNode).value(),
            "/a%2520b/a%257Bb%257D/a%2527b/a%257Cb/a%255Eb/");
  EXPECT_EQ(CanonicalUri("/%C3%A9/a:b", UriMode::kNode).value(), "/%C3%A9/a%3Ab/");
  EXPECT_FALSE(CanonicalUri("/a%2", UriMode::kDecoded).has_value());
  EXPECT_EQ(CanonicalUri("/a%2", UriMode::kNode).value(), "/a%252/");
}

// Signs the way the Node SDK does: enc() over the url.parse'd pathname.
std::string NodeSign(const FakeRequest& r, const std::string& node_canonical_uri) {
  std::string headers, names;
  for (const auto& [k, v] : r.headers) {
    headers += k + ":" + v + "\n";
    names += (names.empty() ? "" : ";") + k;
  }
  std::string canonical =
      r.method + "\n" + node_canonical_uri + "\n\n" + headers + "\n" + names + "\n" + crypto::Sha256Hex(r.body);
  return "SDK-HMAC-SHA256 Access=" + r.ak + ", SignedHeaders=" + names +
         ", Signature=" + auth::Sign(r.sk, StringToSign(kDate, canonical));
}

TEST(SignatureUri, NodeModeVerifies) {
  // Path segment value "a b": node's url.parse gives "a%20b", the signer encodes it again.
  FakeRequest r = V2();
  r.target = Path("/secrets/a%20b");
  r.authorization = NodeSign(r, std::string("/v1/") + kProject + "/secrets/a%2520b/");
  VerifyResult result = Verify(r);
  EXPECT_TRUE(result.ok()) << result.message;
  // ... and "a{b}", sent as a%7Bb%7D.
  r.target = Path("/secrets/a%7Bb%7D");
  r.authorization = NodeSign(r, std::string("/v1/") + kProject + "/secrets/a%257Bb%257D/");
  EXPECT_TRUE(Verify(r).ok());
  // The decoded (Go/Python) form of the same path verifies too.
  r.target = Path("/secrets/a%20b");
  r = Resigned(r);
  EXPECT_TRUE(Verify(r).ok());
  // A different segment does not.
  r.target = Path("/secrets/a%20c");
  EXPECT_EQ(Verify(r).code, VerifyCode::kSignatureMismatch);
}

// ---- Authorization parsing ----------------------------------------------------------------

TEST(SignatureParse, Accepts) {
  auto a = ParseAuthorization(V3().authorization);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->algorithm, "SDK-HMAC-SHA256");
  EXPECT_EQ(a->access_key, "HPUATEMPAK00000000002");
  EXPECT_EQ(a->signed_headers,
            (std::vector<std::string>{"content-type", "host", "x-project-id", "x-sdk-date", "x-security-token"}));
  EXPECT_EQ(a->signature, "62b1bfb22e49b4caf68fea2404490c7399d5074d70dd59f6e09970b45be0c760");

  const std::string sig = "Signature=" + a->signature;
  for (const std::string& ok : {
           "SDK-HMAC-SHA256 Access=AK,SignedHeaders=host;x-sdk-date," + sig,
           "  SDK-HMAC-SHA256   Access=AK ,  SignedHeaders=host;x-sdk-date ,\t" + sig + "  ",
           "SDK-HMAC-SHA256\tAccess=AK, SignedHeaders=x-sdk-date, " + sig,
           "SDK-HMAC-SHA256 " + sig + ", SignedHeaders=x-sdk-date, Access=AK",
       }) {
    auto p = ParseAuthorization(ok);
    ASSERT_TRUE(p.has_value()) << ok;
    EXPECT_EQ(p->access_key, "AK");
    EXPECT_EQ(p->signature, a->signature);
  }
}

TEST(SignatureParse, Rejects) {
  const std::string sig = "Signature=62b1bfb22e49b4caf68fea2404490c7399d5074d70dd59f6e09970b45be0c760";
  const std::string rest = " Access=AK, SignedHeaders=host;x-sdk-date, " + sig;
  const std::vector<std::string> bads = {
      "",
      "SDK-HMAC-SHA256",
      "SDK-HMAC-SHA1" + rest,
      "SDK-HMAC-SM3" + rest,
      "sdk-hmac-sha256" + rest,
      "V11-HMAC-SHA256" + rest,
      "Bearer abc",
      "SDK-HMAC-SHA256X" + rest,
      "SDK-HMAC-SHA256,Access=AK, SignedHeaders=host;x-sdk-date, " + sig,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date",  // no signature
      "SDK-HMAC-SHA256 SignedHeaders=host;x-sdk-date, " + sig,     // no access
      "SDK-HMAC-SHA256 Access=AK, " + sig,                         // no signed headers
      "SDK-HMAC-SHA256 Access=, SignedHeaders=host, " + sig,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=, " + sig,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, " + sig,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date;, " + sig,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=Host;x-sdk-date, " + sig,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host x-sdk-date, " + sig,
      "SDK-HMAC-SHA256 Access=A K, SignedHeaders=host, " + sig,
      "SDK-HMAC-SHA256 access=AK, SignedHeaders=host, " + sig,
      "SDK-HMAC-SHA256 Access=AK, Signedheaders=host, " + sig,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, signature=" + sig.substr(10),
      "SDK-HMAC-SHA256 Access=AK, Access=AK, SignedHeaders=host, " + sig,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, " + sig + ", Extra=1",
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, " + sig + ",",
      "SDK-HMAC-SHA256 Access = AK, SignedHeaders=host, " + sig,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, " + sig.substr(0, sig.size() - 1),
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, " + sig + "0",
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, " + sig.substr(0, sig.size() - 1) + "g",
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" +
          std::string("62B1BFB22E49B4CAF68FEA2404490C7399D5074D70DD59F6E09970B45BE0C760"),
  };
  for (const std::string& bad : bads) {
    EXPECT_FALSE(ParseAuthorization(bad).has_value()) << bad;
  }
}

TEST(SignatureVerify, UnsupportedAlgorithmAndBadStruct) {
  FakeRequest r = V1();
  auto auth = ParseAuthorization(r.authorization);
  ASSERT_TRUE(auth.has_value());
  ParsedAuthorization other = *auth;
  other.algorithm = "SDK-HMAC-SM3";
  EXPECT_EQ(VerifySignature(r.View(), other, r.sk, kNow).code, VerifyCode::kUnsupportedAlgorithm);
  other = *auth;
  other.signature = "abc";
  EXPECT_EQ(VerifySignature(r.View(), other, r.sk, kNow).code, VerifyCode::kMalformed);
  other = *auth;
  other.signed_headers.clear();
  EXPECT_EQ(VerifySignature(r.View(), other, r.sk, kNow).code, VerifyCode::kMalformed);
}

TEST(SignatureSigner, NormalisesHeadersAndDate) {
  FakeRequest r = V1();
  // Mixed-case names, untrimmed values, any order, no x-sdk-date: same result as V1.
  std::string auth = SignRequest(kAk, kSk, "GET", r.target,
                                 {{"X-Project-Id", std::string(" ") + kProject},
                                  {"Host", "127.0.0.1:8080"},
                                  {"Content-Type", "application/json "}},
                                 "", kDate);
  EXPECT_EQ(auth, r.authorization);
  // An x-sdk-date header that disagrees with sdk_date is refused.
  EXPECT_EQ(SignRequest(kAk, kSk, "GET", r.target, {{"x-sdk-date", "20240101T120001Z"}}, "", kDate), "");
  // Round trip with a freshly formatted date.
  FakeRequest fresh = V2();
  std::string date = FormatSdkDate(kNow + 100);
  fresh.headers["x-sdk-date"] = date;
  fresh.authorization =
      SignRequest(fresh.ak, fresh.sk, fresh.method, fresh.target, fresh.SignedHeaderPairs(), fresh.body, date);
  EXPECT_TRUE(Verify(fresh).ok());
}

}  // namespace
}  // namespace csms::auth
