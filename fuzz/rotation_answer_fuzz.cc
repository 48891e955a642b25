// The answer of an http(s) rotation function (rotation/http_rotation_function.h DecodeAnswer):
// whatever a remote server sends back as the body of a 2xx. The input is that body.
#include <cstdint>
#include <string>

#include "rotation/http_rotation_function.h"

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  csms::RotationFunctionAnswer answer;
  csms::rotation::DecodeAnswer(body, &answer).IgnoreError();
  return 0;
}
