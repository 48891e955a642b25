#include "support/test_pki.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

namespace csms::test {
namespace {

bool Run(const std::string& command, const std::string& log, std::string* error) {
  int rc = std::system((command + " >>" + log + " 2>&1").c_str());
  if (rc == 0) return true;
  std::ifstream in(log);
  *error = command + " failed: " + std::string(std::istreambuf_iterator<char>(in), {});
  return false;
}

}  // namespace

bool MakeTestPki(const std::string& dir, TestPki* out, std::string* error) {
  std::filesystem::create_directories(dir);
  const std::string log = dir + "/openssl.log";
  out->dir = dir;
  out->ca_cert = dir + "/ca.pem";
  out->server_cert = dir + "/server.pem";
  out->server_key = dir + "/server.key";
  out->rogue_cert = dir + "/rogue.pem";
  out->rogue_key = dir + "/rogue.key";
  out->other_name_cert = dir + "/other.pem";
  out->other_name_key = dir + "/other.key";
  out->server2_cert = dir + "/server2.pem";
  out->server2_key = dir + "/server2.key";
  out->client_cert = dir + "/client.pem";
  out->client_key = dir + "/client.key";
  std::ofstream(dir + "/client.ext") << "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                                        "extendedKeyUsage=clientAuth\n";
  const std::string ca_key = dir + "/ca.key";
  std::ofstream(dir + "/server.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                                        "extendedKeyUsage=serverAuth\n";
  std::ofstream(dir + "/other.ext") << "subjectAltName=DNS:other.example\nbasicConstraints=CA:FALSE\n"
                                       "extendedKeyUsage=serverAuth\n";
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  return Run("openssl req -x509 " + ec + " -keyout " + ca_key + " -out " + out->ca_cert +
                 " -days 2 -subj /CN=csms-test-ca -addext basicConstraints=critical,CA:TRUE"
                 " -addext keyUsage=critical,keyCertSign,cRLSign",
             log, error) &&
         Run("openssl req " + ec + " -keyout " + out->server_key + " -out " + dir + "/server.csr -subj /CN=localhost",
             log, error) &&
         Run("openssl x509 -req -in " + dir + "/server.csr -CA " + out->ca_cert + " -CAkey " + ca_key +
                 " -CAcreateserial -days 2 -extfile " + dir + "/server.ext -out " + out->server_cert,
             log, error) &&
         Run("openssl req " + ec + " -keyout " + out->other_name_key + " -out " + dir +
                 "/other.csr -subj /CN=other.example",
             log, error) &&
         Run("openssl x509 -req -in " + dir + "/other.csr -CA " + out->ca_cert + " -CAkey " + ca_key +
                 " -CAcreateserial -days 2 -extfile " + dir + "/other.ext -out " + out->other_name_cert,
             log, error) &&
         Run("openssl req " + ec + " -keyout " + out->server2_key + " -out " + dir +
                 "/server2.csr -subj /CN=localhost-2",
             log, error) &&
         Run("openssl x509 -req -in " + dir + "/server2.csr -CA " + out->ca_cert + " -CAkey " + ca_key +
                 " -CAcreateserial -days 2 -extfile " + dir + "/server.ext -out " + out->server2_cert,
             log, error) &&
         Run("openssl req " + ec + " -keyout " + out->client_key + " -out " + dir +
                 "/client.csr -subj /CN=csms-test-client",
             log, error) &&
         Run("openssl x509 -req -in " + dir + "/client.csr -CA " + out->ca_cert + " -CAkey " + ca_key +
                 " -CAcreateserial -days 2 -extfile " + dir + "/client.ext -out " + out->client_cert,
             log, error) &&
         Run("openssl req -x509 " + ec + " -keyout " + out->rogue_key + " -out " + out->rogue_cert +
                 " -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1",
             log, error);
}

}  // namespace csms::test

namespace csms::test {

const TestPki* SharedTestPki(std::string* error) {
  static TempDir dir("csms-pki");
  static TestPki pki;
  static std::string failure;
  static const bool ok = MakeTestPki(dir.path(), &pki, &failure);
  if (!ok) {
    *error = failure;
    return nullptr;
  }
  return &pki;
}

}  // namespace csms::test
