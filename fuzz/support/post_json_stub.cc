// The libFuzzer build only (fuzz/CMakeLists.txt): net::PostJson, which rotation/ links against,
// without Beast. No fuzz target calls out to the network; a call would be a bug of the target.
#include <cstdlib>

#include "net/http_call.h"

namespace csms::net {

bool PostJson(const std::string&, const std::string&, const HttpCallOptions&, HttpCallResult*) { std::abort(); }

}  // namespace csms::net
