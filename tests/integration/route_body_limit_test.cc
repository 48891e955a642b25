// Per-route body limits (http/body_limits.h), decided from the request line before any body byte
// is read: an unauthenticated client can no longer make csmsd buffer and parse megabytes. Over
// the limit is 413 with the CSMS error body, without `100 Continue`, and the connection closes.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/dev_server.h"
#include "support/raw_socket.h"
#include "support/secrets_helpers.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

class RouteBodyLimitTest : public DevServerTest {};

TEST_F(RouteBodyLimitTest, OversizedTokenRequestIsRefusedBeforeContinue) {
  RawConnection conn(server_.port());
  ASSERT_TRUE(conn.connected());
  // Announces 1 MiB and waits for `100 Continue`: the answer must be the final 413 instead.
  ASSERT_TRUE(
      conn.Send("POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Expect: 100-continue\r\nContent-Length: 1048576\r\n\r\n"));
  auto r = conn.ReadResponse(20s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413) << r->body;
  EXPECT_NE(r->body.find("CSMS.0004"), std::string::npos) << r->body;
  EXPECT_TRUE(conn.WaitClosed(20s));
}

TEST_F(RouteBodyLimitTest, SmallRoutesRefuseBodiesOverSixtyFourKiB) {
  std::string big = R"({"auth":{"identity":{"methods":[)" + std::string(70 * 1024, ' ') + "]}}}";
  auto r = client_->Request("POST", "/v3/auth/tokens", big);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0004");
  r = client_->Request("POST", Path("/csms/events"), big);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
  // Chunked: cut off at the limit as it arrives.
  RawConnection conn(server_.port());
  std::string chunk(32 * 1024, ' ');
  char size[16];
  snprintf(size, sizeof(size), "%zx", chunk.size());
  std::string raw = "POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) raw += std::string(size) + "\r\n" + chunk + "\r\n";
  raw += "0\r\n\r\n";
  conn.Send(raw);  // the server may close before it has read everything
  auto chunked = conn.ReadResponse(20s);
  ASSERT_TRUE(chunked.has_value());
  EXPECT_EQ(chunked->status, 413) << chunked->body;
}

TEST_F(RouteBodyLimitTest, LargestSecretValueStillFits) {
  SecretsApi api(client_.get(), kDevProject);
  // 32 KiB of characters JSON must escape: a 64 KiB+ body on a secret-value route.
  std::string value(32 * 1024, '"');
  auto r = api.CreateSecret("big", value);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(api.CreateVersion("big", std::string(32 * 1024, '\\')).status, 200);
  auto too_big = api.CreateSecret("bigger", value + "x");
  EXPECT_EQ(too_big.status, 400) << too_big.body.substr(0, 300);  // the value rule, not the body limit
}

TEST_F(RouteBodyLimitTest, BulkRoutesStillTakeLargeBodies) {
  SecretsApi api(client_.get(), kDevProject);
  std::string megabyte = R"({"secret_blob":")" + std::string(1 << 20, 'A') + R"("})";
  for (const char* route : {"/secrets/restore", "/secrets/batch-import"}) {
    auto r = api.Post(route, megabyte);
    EXPECT_NE(r.status, 413) << route << ": " << r.body.substr(0, 300);
    EXPECT_EQ(r.status / 100, 4) << route << ": " << r.body.substr(0, 300);  // read and judged by the handler
  }
  // Not for a client without credentials: it gets the small limit (it would be refused 401 anyway).
  HttpClient anonymous(server_.port());
  auto r = anonymous.Request("POST", Path("/secrets/restore"), megabyte);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
}

}  // namespace
}  // namespace csms::test
