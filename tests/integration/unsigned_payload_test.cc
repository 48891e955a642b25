// AK/SK requests signed with `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (docs/auth.md): the body is
// not covered by such a signature, so a captured request could carry any body within its 15-minute
// window. A request with a body must sign it (401 CSMS.0304, nothing changes); a bodiless request
// may still use UNSIGNED-PAYLOAD (Python's empty-body quirk), and a signed body is untouched.
#include <gtest/gtest.h>

#include "support/dev_server.h"
#include "support/event_bodies.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

const AkSk kDev{kDevAk, kDevSk, ""};

class UnsignedPayloadTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    anon_ = std::make_unique<HttpClient>(server_.port());
  }
  SignedParts Unsigned(const std::string& method, const std::string& target, const std::string& body) {
    SignedParts p = MakeSigned(*anon_, kDev, method, target, body, kDevProject);
    p.headers.emplace_back("x-sdk-content-sha256", "UNSIGNED-PAYLOAD");
    p.Sign(kDev, NowSeconds());
    return p;
  }
  std::unique_ptr<HttpClient> anon_;  // no X-Auth-Token
};

TEST_F(UnsignedPayloadTest, ARequestWithABodyMustSignIt) {
  SignedParts p = Unsigned("POST", Path("/csms/events"), EventBody("unsigned-ev", {"SECRET_VERSION_CREATED"}));
  ExpectCsmsError(p.Send(*anon_), 401, "CSMS.0304");
  // The captured request with its body swapped: refused the same way.
  p.body = EventBody("swapped-ev", {"SECRET_VERSION_CREATED"});
  ExpectCsmsError(p.Send(*anon_), 401, "CSMS.0304");
  // Nothing was created.
  EXPECT_EQ(client_->Request("GET", Path("/csms/events/unsigned-ev")).status, 404);
  EXPECT_EQ(client_->Request("GET", Path("/csms/events/swapped-ev")).status, 404);

  // The same request with its body signed is accepted.
  auto signed_body = SignedRequest(*anon_, kDev, "POST", Path("/csms/events"),
                                   EventBody("unsigned-ev", {"SECRET_VERSION_CREATED"}), kDevProject);
  EXPECT_EQ(signed_body.status, 200) << signed_body.body;
}

TEST_F(UnsignedPayloadTest, ABodilessRequestMayStillSayUnsignedPayload) {
  auto r = Unsigned("GET", Path("/csms/events"), "").Send(*anon_);
  EXPECT_EQ(r.status, 200) << r.body;
  r = Unsigned("DELETE", Path("/csms/events/no-such-event"), "").Send(*anon_);
  ExpectCsmsError(r, 404, "CSMS.0005");
}

}  // namespace
}  // namespace csms::test
