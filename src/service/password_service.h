// GenerateRandomPassword (spec §1.9): a random password from the OS-seeded DRBG under the request's
// policy (crypto/random_password.h). Policies that cannot be met are 400 naming the field.
#pragma once

#include <string>

#include "common/status.h"
#include "crypto/random_password.h"

namespace csms {

Status GeneratePassword(const crypto::PasswordPolicy& policy, std::string* out);

}  // namespace csms
