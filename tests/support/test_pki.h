// A throw-away PKI for TLS tests, made with the openssl command-line tool: a test CA, two server
// certificates it signed for localhost and 127.0.0.1, a client certificate it signed, and a
// self-signed certificate nobody trusts.
#pragma once

#include <string>

namespace csms::test {

struct TestPki {
  std::string dir;
  std::string ca_cert;      // PEM of the test CA
  std::string server_cert;  // signed by the CA; SAN DNS:localhost, IP:127.0.0.1
  std::string server_key;
  std::string rogue_cert;  // self-signed, SAN DNS:localhost, IP:127.0.0.1
  std::string rogue_key;
  std::string other_name_cert;  // signed by the CA for DNS:other.example only
  std::string other_name_key;
  std::string server2_cert;  // a second server certificate from the CA (CN=localhost-2, same SANs)
  std::string server2_key;
  std::string client_cert;  // signed by the CA for TLS client authentication (CN=csms-test-client)
  std::string client_key;
};

// Creates the files under `dir` (created if needed); false with *error when openssl fails.
bool MakeTestPki(const std::string& dir, TestPki* out, std::string* error);

// One PKI per test process, in its own TempDir (removed at exit), made on first use; null with
// *error when openssl failed.
const TestPki* SharedTestPki(std::string* error);

}  // namespace csms::test
