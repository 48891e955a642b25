// Access keys (AccessKeyService) and the AK/SK authenticator, on an in-memory store: the auth.md
// vectors authenticate end to end, and every rejection has its own code.
#include <gtest/gtest.h>

#include "support/request_view.h"

#include <map>
#include <memory>
#include <set>
#include <string>

#include "auth/signature.h"
#include "auth/signature_authenticator.h"
#include "common/clock.h"
#include "crypto/hash.h"
#include "crypto/keyring.h"
#include "service/access_key_service.h"
#include "service/identity_service.h"
#include "store/store.h"
#include "support/dev_fixture.h"

namespace csms {
namespace {

constexpr int64_t kVectorTimeMs = 1704110400000;  // 2024-01-01T12:00:00Z, the vectors' X-Sdk-Date
constexpr char kDomainId[] = "fedcba9876543210fedcba9876543210";
constexpr const char* kProject = test::kDevProject;  // also the project of the auth.md vectors
constexpr char kOtherDomainId[] = "99999999999999999999999999999999";
constexpr char kOtherProject[] = "88888888888888888888888888888888";
constexpr char kAk[] = "HPUAEXAMPLEAK0000001";
constexpr char kSk[] = "exampleSecretKey0123456789abcdefEXAMPLE0";
constexpr char kTempAk[] = "HPUATEMPAK00000000002";
constexpr char kTempSk[] = "tempSecretKeyEXAMPLE";
constexpr char kToken[] = "STS-TOKEN-EXAMPLE==";
constexpr char kDate[] = "20240101T120000Z";

// A received request: headers by lower-case name.
struct Req : test::HeaderMapRequest {
  Req() { method = "GET"; }
  Req(std::string m, std::string t, std::map<std::string, std::string> h, std::string b, std::string a)
      : test::HeaderMapRequest{std::move(m), std::move(t), std::move(h), std::move(b)}, authorization(std::move(a)) {}
  std::string authorization;

  // Signs all current headers (plus x-sdk-date = date) with ak/sk.
  void Sign(const std::string& ak, const std::string& sk, const std::string& date) {
    headers["x-sdk-date"] = date;
    std::vector<std::pair<std::string, std::string>> h(headers.begin(), headers.end());
    authorization = auth::SignRequest(ak, sk, method, target, h, body, date);
  }
};

std::string Path(const std::string& rest) { return std::string("/v1/") + kProject + rest; }

std::map<std::string, std::string> BaseHeaders() {
  return {{"content-type", "application/json"},
          {"host", "127.0.0.1:8080"},
          {"x-project-id", kProject},
          {"x-sdk-date", kDate}};
}

class AccessKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = ":memory:";
    ASSERT_TRUE(OpenSqliteStore(options, &store_).ok());
    keyring_ = crypto::Keyring::Ephemeral();
    clock_.Set(kVectorTimeMs);
    identity_ = std::make_unique<IdentityService>(store_.get());
    ASSERT_TRUE(
        identity_
            ->EnsureFixture(Domain{kDomainId, "csms"}, Project{kProject, "dev", kDomainId}, "admin", "admin-password")
            .ok());
    keys_ = std::make_unique<AccessKeyService>(store_.get(), &keyring_, &clock_);
    auth_ = std::make_unique<SignatureAuthenticator>(store_.get(), &keyring_, &clock_);
    ASSERT_TRUE(keys_->EnsureFixture(kDomainId, "admin", kAk, kSk).ok());
    // The vectors' temporary key, expiring in an hour.
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) -> Status {
                      User admin;
                      CSMS_RETURN_IF_ERROR(tx.identity().GetUserByName(kDomainId, "admin", &admin));
                      AccessKey k;
                      k.access_key = kTempAk;
                      k.user_id = admin.id;
                      k.sealed_secret = keyring_.Seal(kTempSk, kTempAk);
                      k.security_token_hash = crypto::Sha256Hex(kToken);
                      k.create_time = kVectorTimeMs;
                      k.expires_at = kVectorTimeMs + 3'600'000;
                      CSMS_RETURN_IF_ERROR(tx.access_keys().Insert(k));
                      // A second domain with a project, to prove keys do not cross domains.
                      CSMS_RETURN_IF_ERROR(tx.identity().InsertDomain(Domain{kOtherDomainId, "other"}));
                      return tx.identity().InsertProject(Project{kOtherProject, "other", kOtherDomainId});
                    })
                    .ok());
  }

  Status Authenticate(const Req& r, const std::string& path_project, Principal* p = nullptr) {
    Principal ignored;
    return auth_->Authenticate(r.View(), r.authorization, path_project, p ? p : &ignored);
  }
  std::string Code(const Req& r, const std::string& path_project = kProject) {
    Status s = Authenticate(r, path_project);
    return s.ok() ? "ok" : s.code();
  }
  std::string Now() const { return auth::FormatSdkDate(clock_.NowSeconds()); }
  Req SignedGet(const std::string& ak = kAk, const std::string& sk = kSk) {
    Req r{"GET", Path("/csms/events?limit=10"), BaseHeaders(), "", ""};
    r.Sign(ak, sk, Now());
    return r;
  }

  std::unique_ptr<Store> store_;
  crypto::Keyring keyring_;
  OffsetClock clock_;
  std::unique_ptr<IdentityService> identity_;
  std::unique_ptr<AccessKeyService> keys_;
  std::unique_ptr<SignatureAuthenticator> auth_;
};

TEST_F(AccessKeyTest, AuthMdVectorsAuthenticate) {
  Req v1{"GET", Path("/csms/events?limit=10&marker=abc"), BaseHeaders(), "",
         "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
         "Signature=9ae4c2c17a3fb7ea39842180f29562ee2625e7719b354538153134e1b4b14fec"};
  Req v2{"POST", Path("/secrets"), BaseHeaders(),
         "{\"name\":\"demo-secret\",\"secret_string\":\"p@ss w0rd\",\"description\":\"h\xc3\xa9llo\"}",
         "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
         "Signature=36f1a975247f34c823702af9bf065a2bda883e30d81f14066fbf36ff98181f5b"};
  auto v3_headers = BaseHeaders();
  v3_headers["x-security-token"] = kToken;
  Req v3{"GET", Path("/secrets?marker=a%20b%2Fc*~%2B%C3%A9&limit=5&event_name=evt_1&tag=a&tag=z"), v3_headers, "",
         "SDK-HMAC-SHA256 Access=HPUATEMPAK00000000002, "
         "SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, "
         "Signature=62b1bfb22e49b4caf68fea2404490c7399d5074d70dd59f6e09970b45be0c760"};
  Req x2{"GET", Path("/csms/events"), BaseHeaders(), "{}",
         "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
         "Signature=ee83dfe2ec4a78dbf26886555c5e1cdf1774cbb00f77d85fe357a53f551a6f6d"};
  for (const Req* r : {&v1, &v2, &v3, &x2}) {
    Principal p;
    Status s = Authenticate(*r, kProject, &p);
    ASSERT_TRUE(s.ok()) << r->target << ": " << s.ToString();
    EXPECT_EQ(p.user_name, "admin");
    EXPECT_EQ(p.domain_id, kDomainId);
    EXPECT_EQ(p.project_id, kProject);
    EXPECT_EQ(p.role, "admin");
  }
}

TEST_F(AccessKeyTest, EachFailureHasItsCode) {
  EXPECT_EQ(Code(SignedGet()), "ok");

  Req unknown = SignedGet("CSMSNOSUCHKEY0000000", kSk);
  EXPECT_EQ(Code(unknown), "CSMS.0307");

  Req wrong_sk = SignedGet(kAk, "not-the-secret-key");
  EXPECT_EQ(Code(wrong_sk), "CSMS.0304");

  Req malformed = SignedGet();
  malformed.authorization = "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, Signature=abc";
  EXPECT_EQ(Code(malformed), "CSMS.0306");
  Req v11 = SignedGet();
  v11.authorization = "V11-HMAC-SHA256 Credential=HPUAEXAMPLEAK0000001/20240101/r/s, SignedHeaders=host, Signature=ab";
  EXPECT_EQ(Code(v11), "CSMS.0306");

  Req no_date = SignedGet();
  no_date.headers.erase("x-sdk-date");
  EXPECT_EQ(Code(no_date), "CSMS.0310");
  Req bad_date = SignedGet();
  bad_date.headers["x-sdk-date"] = "2024-01-01T12:00:00Z";
  EXPECT_EQ(Code(bad_date), "CSMS.0310");

  Req tampered = SignedGet();
  tampered.target += "0";
  EXPECT_EQ(Code(tampered), "CSMS.0304");
}

TEST_F(AccessKeyTest, FifteenMinuteWindowFollowsTheServerClock) {
  int64_t now = clock_.NowSeconds();
  auto at = [&](int64_t t) {
    Req r{"GET", Path("/csms/events"), BaseHeaders(), "", ""};
    r.Sign(kAk, kSk, auth::FormatSdkDate(t));
    return Code(r);
  };
  EXPECT_EQ(at(now), "ok");
  EXPECT_EQ(at(now + 890), "ok");
  EXPECT_EQ(at(now - 890), "ok");
  EXPECT_EQ(at(now + 910), "CSMS.0311");
  EXPECT_EQ(at(now - 910), "CSMS.0311");
  Req signed_now{"GET", Path("/csms/events"), BaseHeaders(), "", ""};
  signed_now.Sign(kAk, kSk, auth::FormatSdkDate(now));
  clock_.Advance(16 * 60 * 1000);
  EXPECT_EQ(Code(signed_now), "CSMS.0311");
}

TEST_F(AccessKeyTest, TemporaryCredentialsNeedTheirSignedSecurityToken) {
  auto temp = [&](const std::optional<std::string>& token, bool sign_token) {
    Req r{"GET", Path("/csms/events"), BaseHeaders(), "", ""};
    if (token && sign_token) r.headers["x-security-token"] = *token;
    r.Sign(kTempAk, kTempSk, Now());
    if (token && !sign_token) r.headers["x-security-token"] = *token;
    return Code(r);
  };
  EXPECT_EQ(temp(std::string(kToken), true), "ok");
  EXPECT_EQ(temp(std::nullopt, false), "CSMS.0312");
  EXPECT_EQ(temp(std::string("STS-TOKEN-EXAMPLE=!"), true), "CSMS.0312");
  EXPECT_EQ(temp(std::string(kToken), false), "CSMS.0312");

  // A security token on a permanent key is a mistake, not something to ignore.
  Req permanent{"GET", Path("/csms/events"), BaseHeaders(), "", ""};
  permanent.headers["x-security-token"] = kToken;
  permanent.Sign(kAk, kSk, Now());
  EXPECT_EQ(Code(permanent), "CSMS.0312");

  clock_.Advance(3'600'000);
  EXPECT_EQ(temp(std::string(kToken), true), "CSMS.0309");
}

TEST_F(AccessKeyTest, ProjectMustMatchAndBelongToTheKeysDomain) {
  Req other_header = SignedGet();
  other_header.headers["x-project-id"] = kOtherProject;
  other_header.Sign(kAk, kSk, Now());
  EXPECT_EQ(Code(other_header), "CSMS.0302");

  Req r{"GET", std::string("/v1/") + kOtherProject + "/csms/events", BaseHeaders(), "", ""};
  r.headers["x-project-id"] = kOtherProject;
  r.Sign(kAk, kSk, Now());
  EXPECT_EQ(Code(r, kOtherProject), "CSMS.0302");
  EXPECT_EQ(Code(r, "ffffffffffffffffffffffffffffffff"), "CSMS.0302");

  // Outside a project (GET /v3/projects): X-Project-Id, when sent, becomes the scope.
  Req unscoped{"GET", "/v3/projects?name=dev", BaseHeaders(), "{}", ""};
  unscoped.headers.erase("x-project-id");
  unscoped.Sign(kAk, kSk, Now());
  Principal p;
  ASSERT_TRUE(Authenticate(unscoped, "", &p).ok());
  EXPECT_EQ(p.project_id, "");
  EXPECT_EQ(p.domain_id, kDomainId);
  unscoped.headers["x-project-id"] = kProject;
  unscoped.Sign(kAk, kSk, Now());
  ASSERT_TRUE(Authenticate(unscoped, "", &p).ok());
  EXPECT_EQ(p.project_id, kProject);
  unscoped.headers["x-project-id"] = kOtherProject;
  unscoped.Sign(kAk, kSk, Now());
  EXPECT_EQ(Authenticate(unscoped, "").code(), "CSMS.0302");
}

TEST_F(AccessKeyTest, CreateShowsTheSecretOnceAndStoresItSealed) {
  CreatedAccessKey k;
  ASSERT_TRUE(keys_->Create("csms", "admin", "ci key", &k).ok());
  EXPECT_EQ(k.key.access_key.size(), 20u);
  EXPECT_EQ(k.key.access_key.rfind("CSMS", 0), 0u);
  EXPECT_EQ(k.key.access_key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), std::string::npos);
  EXPECT_EQ(k.secret_key.size(), 40u);
  EXPECT_EQ(k.secret_key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
            std::string::npos);
  EXPECT_TRUE(k.security_token.empty());

  AccessKey stored;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.access_keys().Get(k.key.access_key, &stored); }).ok());
  EXPECT_EQ(stored.sealed_secret.find(k.secret_key), std::string::npos);
  EXPECT_EQ(stored.description, "ci key");
  std::string opened;
  ASSERT_TRUE(keyring_.Open(stored.sealed_secret, stored.access_key, &opened).ok());
  EXPECT_EQ(opened, k.secret_key);
  // The AK is the associated data: a sealed SK moved to another key's row does not open.
  EXPECT_FALSE(keyring_.Open(stored.sealed_secret, kAk, &opened).ok());

  EXPECT_EQ(Code(SignedGet(k.key.access_key, k.secret_key)), "ok");
  CreatedAccessKey other;
  ASSERT_TRUE(keys_->Create("csms", "admin", "", &other).ok());
  EXPECT_NE(other.key.access_key, k.key.access_key);
  EXPECT_NE(other.secret_key, k.secret_key);
}

TEST_F(AccessKeyTest, RevocationIsImmediate) {
  CreatedAccessKey k;
  ASSERT_TRUE(keys_->Create("csms", "admin", "", &k).ok());
  EXPECT_EQ(Code(SignedGet(k.key.access_key, k.secret_key)), "ok");
  ASSERT_TRUE(keys_->Revoke(k.key.access_key).ok());
  EXPECT_EQ(Code(SignedGet(k.key.access_key, k.secret_key)), "CSMS.0308");
  // A wrong SK on a revoked key learns nothing about its state.
  EXPECT_EQ(Code(SignedGet(k.key.access_key, "guess")), "CSMS.0304");
  EXPECT_EQ(keys_->Revoke("CSMSNOSUCHKEY0000000").code(), "CSMS.0005");
}

TEST_F(AccessKeyTest, TemporaryCredentialsExpire) {
  CreatedAccessKey k;
  int64_t before = clock_.NowMillis();
  ASSERT_TRUE(keys_->CreateTemporary("csms", "admin", 900, &k).ok());
  int64_t after = clock_.NowMillis();
  EXPECT_EQ(k.key.access_key.rfind("CSMT", 0), 0u);
  EXPECT_EQ(k.security_token.size(), 64u);
  ASSERT_TRUE(k.key.expires_at.has_value());
  // The clock follows real time, so the expiry lies between the two readings.
  EXPECT_GE(*k.key.expires_at, before + 900'000);
  EXPECT_LE(*k.key.expires_at, after + 900'000);
  EXPECT_EQ(k.key.security_token_hash, crypto::Sha256Hex(k.security_token));

  auto request = [&] {
    Req r{"GET", Path("/csms/events"), BaseHeaders(), "", ""};
    r.headers["x-security-token"] = k.security_token;
    r.Sign(k.key.access_key, k.secret_key, Now());
    return Code(r);
  };
  EXPECT_EQ(request(), "ok");
  clock_.Advance(899'000);
  EXPECT_EQ(request(), "ok");
  clock_.Advance(1'000);
  EXPECT_EQ(request(), "CSMS.0309");

  EXPECT_EQ(keys_->CreateTemporary("csms", "admin", 0, &k).code(), "CSMS.0002");
  EXPECT_EQ(keys_->CreateTemporary("csms", "admin", 1, &k).code(), "CSMS.0002");  // Huawei's minimum is 900 s
  EXPECT_EQ(keys_->CreateTemporary("csms", "admin", 899, &k).code(), "CSMS.0002");
  EXPECT_EQ(keys_->CreateTemporary("csms", "admin", 86'401, &k).code(), "CSMS.0002");
}

TEST_F(AccessKeyTest, ListAndUnknownAccounts) {
  CreatedAccessKey k;
  ASSERT_TRUE(keys_->Create("csms", "admin", "", &k).ok());
  std::vector<AccessKeyListing> all;
  ASSERT_TRUE(keys_->List("csms", std::nullopt, &all).ok());
  ASSERT_EQ(all.size(), 3u);  // the vector pair, the temporary vector key, the new one
  for (const auto& l : all) EXPECT_EQ(l.user_name, "admin");
  std::vector<AccessKeyListing> mine;
  ASSERT_TRUE(keys_->List("csms", std::string("admin"), &mine).ok());
  EXPECT_EQ(mine.size(), 3u);

  EXPECT_EQ(keys_->Create("nope", "admin", "", &k).code(), "CSMS.0005");
  EXPECT_EQ(keys_->Create("csms", "nobody", "", &k).code(), "CSMS.0005");
  EXPECT_EQ(keys_->List("csms", std::string("nobody"), &mine).code(), "CSMS.0005");
  EXPECT_EQ(keys_->Create("csms", "admin", std::string(256, 'x'), &k).code(), "CSMS.0002");
}

TEST(AccessKeyMaterial, IsRandomAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string ak = NewAccessKeyId(i % 2 == 0);
    EXPECT_EQ(ak.size(), 20u);
    EXPECT_TRUE(seen.insert(ak).second);
    EXPECT_TRUE(seen.insert(NewSecretKey()).second);
    std::string token = NewSecurityToken();
    EXPECT_EQ(token.size(), 64u);
    EXPECT_TRUE(seen.insert(token).second);
  }
}

TEST(SignatureScheme, RecognisesTheSdkAlgorithms) {
  EXPECT_TRUE(IsSignatureAuthorization("SDK-HMAC-SHA256 Access=a, SignedHeaders=b, Signature=c"));
  EXPECT_TRUE(IsSignatureAuthorization("  SDK-HMAC-SM3 Access=a"));
  EXPECT_TRUE(IsSignatureAuthorization("V11-HMAC-SHA256 Credential=a"));
  EXPECT_FALSE(IsSignatureAuthorization("Bearer abc"));
  EXPECT_FALSE(IsSignatureAuthorization("Basic YWRtaW46YWRtaW4="));
  EXPECT_FALSE(IsSignatureAuthorization(""));
}

}  // namespace
}  // namespace csms
