// AK/SK request signing against the real csmsd: the --dev pair, the ±15 min window on the server
// clock, every single-byte tampering, projects, algorithms, and (on a server with a data dir)
// access keys and temporary credentials made by `csmsd admin`.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "json/writer.h"
#include "support/dev_server.h"
#include "support/engine.h"
#include "support/event_bodies.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

const AkSk kDev{kDevAk, kDevSk, ""};

// One byte changed to another byte that is still valid in its place.
char Tamper(char c) {
  if (c >= 'a' && c <= 'z') return c == 'z' ? 'a' : static_cast<char>(c + 1);
  if (c >= 'A' && c <= 'Z') return c == 'Z' ? 'A' : static_cast<char>(c + 1);
  if (c >= '0' && c <= '9') return c == '9' ? '0' : static_cast<char>(c + 1);
  return 'x';
}

class AkskTest : public DevServerTest {
 protected:
  // These tests make hundreds of signature failures on purpose (every tampered byte): the
  // brute-force limits, which have tests of their own (brute_force_test.cc), are off here.
  std::vector<std::string> ExtraArgs() override {
    return {"--auth-limit-burst", "0", "--auth-limit-address-burst", "0"};
  }
  void SetUp() override {
    DevServerTest::SetUp();
    anon_ = std::make_unique<HttpClient>(server_.port());
  }
  void SetServerClock(int64_t offset_seconds) {
    int64_t now_ms = NowSeconds() * 1000 + offset_seconds * 1000;
    auto r = client_->Request("POST", "/csms-dev/clock", "{\"now_ms\":" + std::to_string(now_ms) + "}");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::unique_ptr<HttpClient> anon_;  // no X-Auth-Token
};

TEST_F(AkskTest, DevPairDrivesTheEventsApi) {
  auto created = SignedRequest(*anon_, kDev, "POST", Path("/csms/events"),
                               EventBody("signed-ev", {"SECRET_VERSION_CREATED"}), kDevProject);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(std::string(created.json["event"]["name"].GetString()), "signed-ev");

  auto list = SignedRequest(*anon_, kDev, "GET", Path("/csms/events?limit=10"), "", kDevProject);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["events"].Size(), 1u);

  auto show = SignedRequest(*anon_, kDev, "GET", Path("/csms/events/signed-ev"), "", kDevProject);
  EXPECT_EQ(show.status, 200) << show.body;
  auto update =
      SignedRequest(*anon_, kDev, "PUT", Path("/csms/events/signed-ev"), "{\"state\":\"DISABLED\"}", kDevProject);
  ASSERT_EQ(update.status, 200) << update.body;
  EXPECT_EQ(std::string(update.json["event"]["state"].GetString()), "DISABLED");
  auto records = SignedRequest(*anon_, kDev, "GET", Path("/csms/notification-records"), "", kDevProject);
  EXPECT_EQ(records.status, 200) << records.body;
  auto del = SignedRequest(*anon_, kDev, "DELETE", Path("/csms/events/signed-ev"), "", kDevProject);
  EXPECT_EQ(del.status, 204) << del.body;

  // The Go SDK signs neither host nor content-type, and sends no X-Project-Id: still fine.
  SignedParts go;
  go.method = "GET";
  go.target = Path("/csms/events");
  go.headers = {{"user-agent", "huaweicloud-usdk-go/3.0"}};
  go.Sign(kDev, NowSeconds());
  EXPECT_EQ(go.Send(*anon_).status, 200);
}

TEST_F(AkskTest, SignatureWinsOverToken) {
  // A valid token does not rescue a bad signature...
  SignedParts bad = MakeSigned(*client_, kDev, "GET", Path("/csms/events"), "", kDevProject);
  bad.Sign(AkSk{kDevAk, "wrong-secret", ""}, NowSeconds());
  auto r = bad.Send(*client_);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0304");
  // ...and a bad token does not spoil a good one.
  SignedParts good = MakeSigned(*anon_, kDev, "GET", Path("/csms/events"), "", kDevProject);
  good.Sign(kDev, NowSeconds());
  r = good.Send(*anon_, {{"X-Auth-Token", "CSMSv1.not-a-token"}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(AkskTest, FifteenMinuteWindowOnTheServerClock) {
  auto code = [&] {
    auto r = SignedRequest(*anon_, kDev, "GET", Path("/csms/events"), "", kDevProject);
    return r.status == 200 ? std::string("ok") : std::to_string(r.status) + " " + r.ErrorCode();
  };
  EXPECT_EQ(code(), "ok");
  SetServerClock(14 * 60);  // the client is 14 min behind the server
  EXPECT_EQ(code(), "ok");
  SetServerClock(16 * 60);
  EXPECT_EQ(code(), "401 CSMS.0311");
  SetServerClock(-14 * 60);  // the client is 14 min ahead
  EXPECT_EQ(code(), "ok");
  SetServerClock(-16 * 60);
  EXPECT_EQ(code(), "401 CSMS.0311");
  SetServerClock(0);
  EXPECT_EQ(code(), "ok");
}

// The code a tampered X-Sdk-Date earns, worked out here from the documented rules (docs/errors.md),
// not by the server's parser: not a real UTC time of the form YYYYMMDDTHHMMSSZ → CSMS.0310; more
// than 15 minutes from the time it was signed at (the server's time, give or take the test's own
// seconds) → CSMS.0311; otherwise the signature no longer matches → CSMS.0304.
std::string ExpectedDateCode(const std::string& original, const std::string& tampered) {
  auto parse = [](const std::string& d, int64_t* epoch) {
    if (d.size() != 16 || d[8] != 'T' || d[15] != 'Z') return false;
    for (size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14}) {
      if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
    }
    std::tm tm{};
    tm.tm_year = std::stoi(d.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(d.substr(4, 2)) - 1;
    tm.tm_mday = std::stoi(d.substr(6, 2));
    tm.tm_hour = std::stoi(d.substr(9, 2));
    tm.tm_min = std::stoi(d.substr(11, 2));
    tm.tm_sec = std::stoi(d.substr(13, 2));
    std::tm given = tm;
    *epoch = static_cast<int64_t>(timegm(&tm));  // normalises out-of-range fields: compare back
    return tm.tm_year == given.tm_year && tm.tm_mon == given.tm_mon && tm.tm_mday == given.tm_mday &&
           tm.tm_hour == given.tm_hour && tm.tm_min == given.tm_min && tm.tm_sec == given.tm_sec;
  };
  int64_t signed_at = 0, claimed = 0;
  EXPECT_TRUE(parse(original, &signed_at)) << original;
  if (!parse(tampered, &claimed)) return "CSMS.0310";
  return std::llabs(claimed - signed_at) > 15 * 60 ? "CSMS.0311" : "CSMS.0304";
}

// Every byte of the method, the target, each signed header, the body, the date and the
// Authorization header is changed in turn: each change is a 401 with the one code that names
// what is wrong, and nothing is created.
TEST_F(AkskTest, EverySingleByteTamperingIsRejected) {
  std::vector<SignedParts> originals = {
      MakeSigned(*anon_, kDev, "GET", Path("/csms/events?limit=10&marker=abc"), "", kDevProject),
      MakeSigned(*anon_, kDev, "POST", Path("/csms/events"), EventBody("tamper-ev", {"SECRET_VERSION_CREATED"}),
                 kDevProject),
  };
  int checked = 0;
  for (SignedParts& original : originals) {
    original.Sign(kDev, NowSeconds());
    auto check = [&](const SignedParts& p, const std::string& expected_code, const std::string& what) {
      auto r = p.Send(*anon_);
      ++checked;
      EXPECT_EQ(r.status, 401) << what << " -> " << r.body;
      EXPECT_EQ(r.ErrorCode(), expected_code) << what << " -> " << r.body;
    };
    // Anything the signature covers: the signature no longer matches.
    for (size_t i = 0; i < original.method.size(); ++i) {
      SignedParts p = original;
      p.method[i] = Tamper(p.method[i]);
      check(p, "CSMS.0304", "method " + p.method);
    }
    for (size_t i = 0; i < original.target.size(); ++i) {
      SignedParts p = original;
      p.target[i] = Tamper(p.target[i]);
      check(p, "CSMS.0304", "target " + p.target);
    }
    for (size_t h = 0; h < original.headers.size(); ++h) {
      for (size_t i = 0; i < original.headers[h].second.size(); ++i) {
        SignedParts p = original;
        p.headers[h].second[i] = Tamper(p.headers[h].second[i]);
        std::string expected = original.headers[h].first == "x-sdk-date"
                                   ? ExpectedDateCode(original.headers[h].second, p.headers[h].second)
                                   : "CSMS.0304";
        check(p, expected, "header " + p.headers[h].first + ": " + p.headers[h].second);
      }
    }
    // A signed header renamed = missing: the date is required (0310), any other one breaks the
    // signature (0304).
    for (const auto& [name, expected] : {std::pair<std::string, std::string>{"x-project-id", "CSMS.0304"},
                                         std::pair<std::string, std::string>{"x-sdk-date", "CSMS.0310"}}) {
      SignedParts p = original;
      for (auto& h : p.headers) {
        if (h.first == name) h.first[0] = 'y';
      }
      check(p, expected, "renamed " + name);
    }
    for (size_t i = 0; i < original.body.size(); ++i) {
      SignedParts p = original;
      p.body[i] = Tamper(p.body[i]);
      check(p, "CSMS.0304", "body " + p.body);
    }
    // The Authorization header: "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<list>, Signature=<hex>".
    const std::string& a = original.authorization;
    const size_t access = a.find("Access="), ak = access + 7, ak_end = a.find(',', ak);
    const size_t headers = a.find("SignedHeaders="), list = headers + 14, list_end = a.find(',', list);
    const size_t signature = a.find("Signature="), hex = signature + 10;
    ASSERT_NE(signature, std::string::npos) << a;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] == ' ') continue;  // a space is not a byte of any part
      SignedParts p = original;
      p.authorization[i] = Tamper(p.authorization[i]);
      std::string expected;
      if (i < 4) {
        expected = "CSMS.0301";  // no longer "SDK-...": not a signature, so no credentials at all
      } else if (i >= ak && i < ak_end) {
        expected = "CSMS.0307";  // another access key, which does not exist
      } else if (i >= list && i < list_end) {
        // Another list of lower-case names: without x-sdk-date the date is not signed (0310),
        // otherwise a listed header is missing from the request (0304).
        std::string tampered_list = p.authorization.substr(list, list_end - list);
        bool date_listed = (";" + tampered_list + ";").find(";x-sdk-date;") != std::string::npos;
        expected = date_listed ? "CSMS.0304" : "CSMS.0310";
      } else if (i >= hex && a[i] != 'f') {
        expected = "CSMS.0304";  // still 64 lower-case hex digits: the signature does not match
      } else {
        expected = "CSMS.0306";  // the header's shape is broken (scheme, a part name, '=', ',', 'g')
      }
      check(p, expected, "authorization " + p.authorization);
    }
    // The untouched request still passes (the checks above were not failing for another reason).
    EXPECT_EQ(original.Send(*anon_).status, 200);
  }
  EXPECT_GT(checked, 500);
  auto list = SignedRequest(*anon_, kDev, "GET", Path("/csms/events"), "", kDevProject);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["events"].Size(), 1u);  // only the untouched POST created an event
}

TEST_F(AkskTest, ProjectChecks) {
  // X-Project-Id must equal the path's project.
  auto r = SignedRequest(*anon_, kDev, "GET", Path("/csms/events"), "", "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0302");
  // A project the key's domain does not have.
  std::string other = "/v1/ffffffffffffffffffffffffffffffff/csms/events";
  r = SignedRequest(*anon_, kDev, "GET", other, "", "ffffffffffffffffffffffffffffffff");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0302");
  // The SDK without a project id sends a literal {project_id} and no X-Project-Id.
  r = SignedRequest(*anon_, kDev, "GET", "/v1/%7Bproject_id%7D/csms/events", "", "");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0302");
}

TEST_F(AkskTest, OtherAlgorithmsAndMalformedHeaders) {
  for (const char* authz : {"SDK-HMAC-SM3 Access=DEVACCESSKEY0000CSMS, SignedHeaders=x-sdk-date, Signature=00",
                            "V11-HMAC-SHA256 Credential=DEVACCESSKEY0000CSMS/20240101/dev/csms, SignedHeaders=host, "
                            "Signature=00",
                            "SDK-HMAC-SHA256 Access=DEVACCESSKEY0000CSMS", "SDK-HMAC-SHA256"}) {
    auto r =
        anon_->Request("GET", Path("/csms/events"), "", {{"Authorization", authz}, {"X-Sdk-Date", "20240101T120000Z"}});
    EXPECT_EQ(r.status, 401) << authz;
    EXPECT_EQ(r.ErrorCode(), "CSMS.0306") << authz << " " << r.body;
  }
  auto unknown =
      SignedRequest(*anon_, AkSk{"CSMSNOSUCHKEY0000000", kDevSk, ""}, "GET", Path("/csms/events"), "", kDevProject);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.ErrorCode(), "CSMS.0307");
  // The error body has both shapes and a request id, like every error.
  EXPECT_TRUE(unknown.json.HasMember("error"));
  EXPECT_EQ(unknown.Header("x-request-id").size(), 32u);
}

// The SDKs' own IAM lookup: GET /v3/projects?name=<region>, AK/SK-signed, body "{}", no
// X-Project-Id.
TEST_F(AkskTest, ProjectLookupWithSignedGetBody) {
  auto r = SignedRequest(*anon_, kDev, "GET", "/v3/projects?name=dev", "{}", "");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["projects"].Size(), 1u);
  EXPECT_EQ(std::string(r.json["projects"][0]["id"].GetString()), kDevProject);
  EXPECT_EQ(std::string(r.json["projects"][0]["name"].GetString()), "dev");
  r = SignedRequest(*anon_, kDev, "GET", "/v3/projects?name=cn-north-4", "{}", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["projects"].Size(), 0u);
  // Ignoring the GET body would break the signature: a changed body must fail.
  SignedParts p = MakeSigned(*anon_, kDev, "GET", "/v3/projects?name=dev", "{}", "");
  p.Sign(kDev, NowSeconds());
  p.body = "{ }";
  EXPECT_EQ(p.Send(*anon_).status, 401);
}

// POST /v3/auth/tokens is authenticated by its body; an SDK client with AK/SK signs it anyway.
TEST_F(AkskTest, TokenIssueToleratesASignature) {
  std::string body = PasswordAuthBody(kDevUser, kDevPassword, kDevDomain, kDevProject);
  auto r = SignedRequest(*anon_, kDev, "POST", "/v3/auth/tokens", body, "");
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(r.Header("x-subject-token").empty());
  SignedParts p = MakeSigned(*anon_, AkSk{"SOMEOTHERKEY", "x", ""}, "POST", "/v3/auth/tokens", body, kDevProject);
  p.Sign(AkSk{"SOMEOTHERKEY", "x", ""}, NowSeconds());
  EXPECT_EQ(p.Send(*anon_).status, 201);
  // The body still decides.
  r = SignedRequest(*anon_, kDev, "POST", "/v3/auth/tokens", PasswordAuthBody("admin", "wrong", "csms", kDevProject));
  EXPECT_EQ(r.status, 401);
}

// A server with a data dir: keys made by `csmsd admin` while it runs.
class AkskAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--no-access-log"})) << server_.Log();
    auto creds = ReadInitialCredentials(server_.data_dir());
    project_ = creds["project_id"];
    ASSERT_EQ(project_.size(), 32u);
    client_ = std::make_unique<HttpClient>(server_.port());
  }
  std::string Path(const std::string& rest) const { return "/v1/" + project_ + rest; }
  HttpResult Get(const AkSk& cred) { return SignedRequest(*client_, cred, "GET", Path("/csms/events"), "", project_); }
  std::string Listing() {
    std::string out;
    RunAdmin(server_.data_dir(), {"list-access-keys"}, nullptr, &out);
    return out;
  }

  CsmsdProcess server_;
  std::unique_ptr<HttpClient> client_;
  std::string project_;
};

TEST_F(AkskAdminTest, CreateUseRevoke) {
  AkSk key = CreateAccessKey(server_.data_dir(), "admin");
  ASSERT_EQ(key.ak.size(), 20u);
  ASSERT_EQ(key.sk.size(), 40u);
  auto r = Get(key);
  EXPECT_EQ(r.status, 200) << r.body;
  std::string listing = Listing();
  EXPECT_NE(listing.find(key.ak + " user=admin type=permanent status=active"), std::string::npos) << listing;
  EXPECT_EQ(listing.find(key.sk), std::string::npos);

  RunAdmin(server_.data_dir(), {"revoke-access-key", "--access-key", key.ak});
  r = Get(key);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0308");
  EXPECT_NE(Listing().find(key.ak + " user=admin type=permanent status=revoked"), std::string::npos);

  int rc = 0;
  RunAdmin(server_.data_dir(), {"revoke-access-key", "--access-key", "CSMSNOSUCHKEY0000000"}, &rc);
  EXPECT_NE(rc, 0);
  RunAdmin(server_.data_dir(), {"create-access-key", "--user", "nobody"}, &rc);
  EXPECT_NE(rc, 0);
}

TEST_F(AkskAdminTest, SecretKeyIsNeverStoredInClear) {
  CSMS_SKIP_ON_POSTGRES("reads the database files");
  AkSk key = CreateAccessKey(server_.data_dir(), "admin");
  AkSk temp = CreateTemporaryCredentials(server_.data_dir(), "admin", 900);
  ASSERT_EQ(Get(key).status, 200);
  std::string db;
  for (const char* f : {"/csms.db", "/csms.db-wal"}) {
    std::ifstream in(server_.data_dir() + f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    db += ss.str();
  }
  ASSERT_FALSE(db.empty());
  EXPECT_NE(db.find(key.ak), std::string::npos);  // the AK is public and stored as is
  EXPECT_EQ(db.find(key.sk), std::string::npos);
  EXPECT_EQ(db.find(temp.sk), std::string::npos);
  EXPECT_EQ(db.find(temp.security_token), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat((server_.data_dir() + "/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(AkskAdminTest, TemporaryCredentialsAndSecurityToken) {
  AkSk temp = CreateTemporaryCredentials(server_.data_dir(), "admin", 900);
  ASSERT_EQ(temp.ak.rfind("CSMT", 0), 0u);
  auto r = Get(temp);
  EXPECT_EQ(r.status, 200) << r.body;

  AkSk no_token = temp;
  no_token.security_token.clear();
  r = Get(no_token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0312");
  AkSk wrong_token = temp;
  wrong_token.security_token[0] = Tamper(wrong_token.security_token[0]);
  r = Get(wrong_token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0312");
  AkSk permanent = CreateAccessKey(server_.data_dir(), "admin");
  permanent.security_token = temp.security_token;  // a token never upgrades a permanent key
  r = Get(permanent);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0312");
  EXPECT_NE(Listing().find(temp.ak + " user=admin type=temporary status=active"), std::string::npos);
}

}  // namespace
}  // namespace csms::test
