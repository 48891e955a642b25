// The rotation-function protocol (rotation/http_rotation_function.h): what is sent, how answers
// are read, and that every failure reaches the service as CSMS.0806 while net/ itself stays
// neutral. Also the Doorbell that connects RotationService to the scheduler's rotation worker.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "common/doorbell.h"
#include "rotation/http_rotation_function.h"

namespace csms {
namespace {

TEST(RotationFunction, RequestCarriesMetadataOnly) {
  RotationFunctionRequest r;
  r.url = "http://127.0.0.1:1/";
  r.task_id = "t-1";
  r.project_id = "p";
  r.secret_id = "s-id";
  r.secret_name = "db";
  r.secret_type = "COMMON";
  r.current_version_id = "v3";
  r.attempt = 2;
  rapidjson::Document doc;
  doc.Parse(rotation::EncodeRequest(r).c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["action"].GetString(), "rotate");
  EXPECT_STREQ(doc["task_id"].GetString(), "t-1");
  EXPECT_STREQ(doc["secret_name"].GetString(), "db");
  EXPECT_STREQ(doc["current_version_id"].GetString(), "v3");
  EXPECT_EQ(doc["attempt"].GetInt64(), 2);
  EXPECT_FALSE(doc.HasMember("url"));
  EXPECT_EQ(doc.MemberCount(), 8u);
}

TEST(RotationFunction, AnswersAreReadOrRefusedAsCsms0806) {
  RotationFunctionAnswer a;
  ASSERT_TRUE(rotation::DecodeAnswer(R"({"secret_string":"new"})", &a).ok());
  EXPECT_EQ(a.secret_string, "new");
  EXPECT_FALSE(a.secret_binary);
  for (const char* bad : {"not json", "[]", R"({"secret_string":5})", ""}) {
    RotationFunctionAnswer b;
    Status s = rotation::DecodeAnswer(bad, &b);
    EXPECT_EQ(s.code(), "CSMS.0806") << bad;
    EXPECT_NE(s.message().find("rotation function response"), std::string::npos) << s.message();
  }
}

TEST(RotationFunction, UnreachableFunctionIsCsms0806) {
  net::HttpCallOptions o;
  o.timeout = std::chrono::milliseconds(5000);
  rotation::HttpRotationFunction fn(o);
  RotationFunctionRequest r;
  r.url = "http://127.0.0.1:1/";
  RotationFunctionAnswer a;
  Status s = fn.Call(r, &a);
  EXPECT_EQ(s.code(), "CSMS.0806");
  EXPECT_FALSE(s.message().empty());
}

TEST(Doorbell, ARingIsKeptUntilWaitedForAndCloseEndsEveryWait) {
  Doorbell bell;
  bell.Ring();
  EXPECT_TRUE(bell.Wait(std::chrono::milliseconds(60'000)));  // returns at once: the ring was kept
  std::thread closer([&bell] { bell.Close(); });
  EXPECT_FALSE(bell.Wait(std::chrono::milliseconds(60'000)));  // returns when closed, not after a minute
  closer.join();
  EXPECT_TRUE(bell.closed());
  EXPECT_FALSE(bell.Wait(std::chrono::milliseconds(0)));
}

}  // namespace
}  // namespace csms
