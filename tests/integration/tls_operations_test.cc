// TLS as operators expect, against a real csmsd: TLS 1.2 at least with ECDHE+AEAD suites only, the
// certificate reloaded on SIGHUP (new handshakes get the new one, an established connection stays
// up, a bad new file keeps the old one and is logged), and client certificates (--client-ca) for
// the operator routes only.
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "support/csmsd_process.h"
#include "support/secrets_helpers.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"
#include "support/tls_client.h"
#include "support/wait.h"

namespace csms::test {
namespace {

namespace fs = std::filesystem;

// Copies `from` over `to` atomically (a new file renamed into place), as an operator's tooling does.
void Install(const std::string& from, const std::string& to) {
  fs::copy_file(from, to + ".new", fs::copy_options::overwrite_existing);
  fs::rename(to + ".new", to);
}

class TlsOperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    pki_ = SharedTestPki(&error);
    ASSERT_NE(pki_, nullptr) << error;
    cert_ = dir_.File("cert.pem");
    key_ = dir_.File("key.pem");
    Install(pki_->server_cert, cert_);
    Install(pki_->server_key, key_);
  }

  // Starts csmsd --dev on HTTPS with the files above plus `extra` flags.
  void Start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--dev", "--tls-cert", cert_, "--tls-key", key_};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_TRUE(server_.Start(args)) << server_.Log();
  }

  // A handshake trusting the test CA; the fingerprint of the certificate the server presented.
  std::string HandshakeFingerprint() {
    TlsConnection c;
    std::string error;
    TlsClientOptions o;
    o.ca_file = pki_->ca_cert;
    if (!c.Connect(server_.port(), o, &error)) return "failed: " + error;
    return c.PeerFingerprint();
  }

  const TestPki* pki_ = nullptr;
  TempDir dir_{"csms-tls"};
  std::string cert_, key_;
  CsmsdProcess server_;
};

TEST_F(TlsOperationsTest, SighupReloadsTheCertificateForNewHandshakesAndKeepsConnectionsUp) {
  Start();
  const std::string first = PemFingerprint(pki_->server_cert);
  const std::string second = PemFingerprint(pki_->server2_cert);
  ASSERT_FALSE(first.empty());
  ASSERT_NE(first, second);

  TlsConnection kept;
  std::string error;
  TlsClientOptions o;
  o.ca_file = pki_->ca_cert;
  ASSERT_TRUE(kept.Connect(server_.port(), o, &error)) << error;
  EXPECT_EQ(kept.PeerFingerprint(), first);
  ASSERT_EQ(kept.Request("GET", "/healthz").status, 200);

  Install(pki_->server2_cert, cert_);
  Install(pki_->server2_key, key_);
  ASSERT_TRUE(server_.Signal(SIGHUP));
  EXPECT_TRUE(WaitUntil([&] { return HandshakeFingerprint() == second; }, std::chrono::seconds(30)))
      << "new handshakes never got the new certificate: " << HandshakeFingerprint() << "\n"
      << server_.Log();
  // The connection made before the reload is still up and served.
  auto r = kept.Request("GET", "/healthz");
  EXPECT_EQ(r.status, 200) << r.body;

  // A bad certificate (here: a key that does not match it) keeps the current one, and says so.
  Install(pki_->server_cert, cert_);  // key_ still holds server2's key
  ASSERT_TRUE(server_.Signal(SIGHUP));
  EXPECT_TRUE(
      WaitUntil([&] { return server_.Log().find("TLS reload failed") != std::string::npos; }, std::chrono::seconds(30)))
      << server_.Log();
  EXPECT_EQ(HandshakeFingerprint(), second);
  // A file that is no certificate at all: the same.
  std::ofstream(cert_ + ".new") << "not a certificate\n";
  fs::rename(cert_ + ".new", cert_);
  ASSERT_TRUE(server_.Signal(SIGHUP));
  auto failures = [&] {
    std::string log = server_.Log();
    size_t n = 0;
    for (size_t at = log.find("TLS reload failed"); at != std::string::npos; at = log.find("TLS reload failed", at + 1))
      ++n;
    return n;
  };
  EXPECT_TRUE(WaitUntil([&] { return failures() >= 2; }, std::chrono::seconds(30))) << server_.Log();
  EXPECT_EQ(HandshakeFingerprint(), second);
  EXPECT_TRUE(server_.Running());
  EXPECT_EQ(kept.Request("GET", "/healthz").status, 200);
}

TEST_F(TlsOperationsTest, OnlyTls12AndUpWithForwardSecretAeadSuites) {
  Start();
  std::string error;
  {
    TlsConnection c;
    TlsClientOptions o;
    o.max_version = TLS1_1_VERSION;
    o.allow_legacy = true;  // so the client does offer TLS 1.1
    EXPECT_FALSE(c.Connect(server_.port(), o, &error)) << "TLS 1.1 was accepted";
  }
  {
    TlsConnection c;
    TlsClientOptions o;
    o.min_version = o.max_version = TLS1_2_VERSION;
    o.ciphers = "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256";  // CBC only
    o.allow_legacy = true;
    EXPECT_FALSE(c.Connect(server_.port(), o, &error)) << "a CBC suite was accepted";
  }
  {
    TlsConnection c;
    TlsClientOptions o;
    o.min_version = o.max_version = TLS1_2_VERSION;
    o.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
    ASSERT_TRUE(c.Connect(server_.port(), o, &error)) << error;
    EXPECT_EQ(c.Request("GET", "/healthz").status, 200);
  }
  {
    TlsConnection c;
    TlsClientOptions o;
    o.min_version = TLS1_3_VERSION;
    ASSERT_TRUE(c.Connect(server_.port(), o, &error)) << error;
    EXPECT_EQ(c.Request("GET", "/healthz").status, 200);
  }
}

TEST_F(TlsOperationsTest, ClientCaRequiresAVerifiedClientCertificateOnOperatorRoutesOnly) {
  Start({"--client-ca", pki_->ca_cert});
  auto connect = [&](const std::string& cert, const std::string& key, TlsConnection* c) {
    TlsClientOptions o;
    o.ca_file = pki_->ca_cert;
    o.cert_file = cert;
    o.key_file = key;
    std::string error;
    EXPECT_TRUE(c->Connect(server_.port(), o, &error)) << error;
  };
  TlsConnection anonymous, trusted, rogue;
  connect("", "", &anonymous);
  connect(pki_->client_cert, pki_->client_key, &trusted);
  connect(pki_->rogue_cert, pki_->rogue_key, &rogue);  // self-signed: the handshake passes, the route does not

  ExpectCsmsError(anonymous.Request("GET", "/csms-dev/clock"), 403, "CSMS.0303", "client certificate");
  ExpectCsmsError(rogue.Request("GET", "/csms-dev/clock"), 403, "CSMS.0303", "client certificate");
  ExpectCsmsError(anonymous.Request("POST", "/csms-dev/scheduler/tick", "{}"), 403, "CSMS.0303");
  auto r = trusted.Request("GET", "/csms-dev/clock");
  EXPECT_EQ(r.status, 200) << r.body;

  // Other routes: as before, with or without a certificate.
  EXPECT_EQ(anonymous.Request("GET", "/healthz").status, 200);
  EXPECT_EQ(rogue.Request("GET", "/healthz").status, 200);
  r = anonymous.Request("POST", "/v3/auth/tokens", PasswordAuthBody(kDevUser, kDevPassword, kDevDomain, kDevProject));
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(TlsOperationsTest, WithoutClientCaOperatorRoutesNeedNoCertificate) {
  Start();
  TlsConnection c;
  TlsClientOptions o;
  std::string error;
  ASSERT_TRUE(c.Connect(server_.port(), o, &error)) << error;
  EXPECT_EQ(c.Request("GET", "/csms-dev/clock").status, 200);
}

TEST(TlsStartup, ClientCaWithoutTlsIsRefused) {
  std::string error;
  const TestPki* pki = SharedTestPki(&error);
  ASSERT_NE(pki, nullptr) << error;
  std::string out;
  int rc = RunCsmsd({"--dev", "--listen", "127.0.0.1:0", "--client-ca", pki->ca_cert}, &out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("--tls-cert"), std::string::npos) << out;
}

}  // namespace
}  // namespace csms::test
