// The HTTP server itself: limits, malformed input, keep-alive, graceful shutdown, TLS.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "support/dev_server.h"

namespace csms::test {
namespace {

class ServerTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--max-body-bytes", "65536"}; }
};

TEST_F(ServerTest, OversizedBodyIs413WithCsmsBody) {
  std::string big = R"({"name":")" + std::string(70000, 'a') + R"("})";
  auto r = client_->Request("POST", Path("/csms/events"), big);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0004");
  // The server is still fine.
  EXPECT_EQ(client_->Request("GET", Path("/csms/events")).status, 200);
}

TEST_F(ServerTest, MalformedHttpGets400AndTheServerSurvives) {
  std::string out = client_->RawExchange("GARBAGE\r\n\r\n");
  EXPECT_NE(out.find("400"), std::string::npos) << out;
  EXPECT_NE(out.find("CSMS.0003"), std::string::npos) << out;
  out = client_->RawExchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n");
  EXPECT_NE(out.find("431"), std::string::npos) << out.substr(0, 200);
  out = client_->RawExchange("POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  EXPECT_NE(out.find("400"), std::string::npos) << out;
  EXPECT_EQ(client_->Request("GET", "/healthz").status, 200);
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  std::string raw;
  for (int i = 0; i < 3; ++i) raw += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  raw += "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string out = client_->RawExchange(raw);
  size_t count = 0;
  for (size_t pos = 0; (pos = out.find("HTTP/1.1 200", pos)) != std::string::npos; ++pos) ++count;
  EXPECT_EQ(count, 4u) << out;
}

TEST_F(ServerTest, ExpectContinueIsAnswered) {
  std::string body = PasswordAuthBody("admin", "admin", "csms", kDevProject);
  std::string out = client_->RawExchange("POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                         "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) +
                                         "\r\nConnection: close\r\n\r\n" + body);
  EXPECT_NE(out.find("HTTP/1.1 100 Continue"), std::string::npos) << out;
  EXPECT_NE(out.find("HTTP/1.1 201"), std::string::npos) << out;
}

TEST(ServerLifecycle, SigtermDrainsAndExitsZero) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev"}));
  HttpClient client(server.port());
  EXPECT_EQ(client.Request("GET", "/healthz").status, 200);  // leaves an idle keep-alive connection
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "idle connections must not hold shutdown";
  std::string log = server.Log();
  EXPECT_NE(log.find("GET /healthz 200"), std::string::npos) << "one access-log line per request";
  EXPECT_NE(log.find("csmsd stopped"), std::string::npos);
}

TEST(ServerLifecycle, AccessLogNeverContainsTokensOrPasswords) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev"}));
  HttpClient client(server.port());
  std::string token = GetToken(client, "admin", "admin", "csms", kDevProject);
  client.Request("GET", std::string("/v1/") + kDevProject + "/csms/events?marker=abc", "", {{"X-Auth-Token", token}});
  server.Stop();
  std::string log = server.Log();
  EXPECT_EQ(log.find(token), std::string::npos);
  EXPECT_EQ(log.find("marker=abc"), std::string::npos);
  EXPECT_NE(log.find("/csms/events 200"), std::string::npos) << log;
}

TEST(ServerLifecycle, ServesHttpsWithTlsFlags) {
  CsmsdProcess server;
  std::string cert = server.dir() + "/cert.pem", key = server.dir() + "/key.pem";
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout " + key +
                    " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_TRUE(server.Start({"--dev", "--tls-cert", cert, "--tls-key", key})) << server.Log();
  std::string out_file = server.dir() + "/curl.out";
  std::string curl = "curl -s --cacert " + cert + " https://127.0.0.1:" + std::to_string(server.port()) +
                     "/healthz -o " + out_file + " -w '%{http_code}' > " + server.dir() + "/code";
  ASSERT_EQ(std::system(curl.c_str()), 0);
  std::ifstream code(server.dir() + "/code");
  std::string status;
  code >> status;
  EXPECT_EQ(status, "200");
  // Plain HTTP on the TLS port is refused, not crashed on.
  HttpClient plain(server.port());
  EXPECT_NE(plain.Request("GET", "/healthz").status, 200);
  EXPECT_TRUE(server.Running());
}

TEST(ServerLifecycle, BadFlagsFailFast) {
  std::string out;
  EXPECT_NE(RunCsmsd({"--listen", "nonsense"}, &out), 0);
  EXPECT_NE(RunCsmsd({"--event-quota", "0"}, &out), 0);
  EXPECT_EQ(RunCsmsd({"--help"}, &out), 0);
  EXPECT_NE(out.find("--dev"), std::string::npos);
}

}  // namespace
}  // namespace csms::test
