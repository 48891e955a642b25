// The fixed identities of `csmsd --dev` (docs/auth.md), written once for every test: the project,
// the admin user and its password, the domain, and the AK/SK pair.
#pragma once

namespace csms::test {

inline constexpr const char* kDevProject = "0123456789abcdef0123456789abcdef";
inline constexpr const char* kDevProjectName = "dev";
inline constexpr const char* kDevDomain = "csms";
inline constexpr const char* kDevUser = "admin";
inline constexpr const char* kDevPassword = "admin";
inline constexpr const char* kDevReader = "reader";  // role readonly
inline constexpr const char* kDevReaderPassword = "reader";
inline constexpr const char* kDevAk = "DEVACCESSKEY0000CSMS";
inline constexpr const char* kDevSk = "devSecretKey0000000000000000000000000CSMS";

}  // namespace csms::test
