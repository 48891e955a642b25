// The checks of secret input that the secret and rotation use cases share: values, descriptions,
// rotation settings, stage names, expiry times. Each returns a CSMS error naming the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/secret.h"

namespace csms {

// A secret value as sent: exactly one of secret_string / secret_binary (Base64), ≤ 32 KiB.
Status CheckSecretValue(const std::optional<std::string>& secret_string,
                        const std::optional<std::string>& secret_binary, ValueKind* kind);
Status CheckDescription(const std::optional<std::string>& description);
Status CheckRotationPeriod(const std::optional<std::string>& period);
// A FunctionGraph URN (urn:...) or an http(s) URL. An empty text is accepted only when
// `allow_empty` (an update that removes the function).
Status CheckRotationFunc(const std::optional<std::string>& urn, bool allow_empty);
Status CheckStageNames(const std::vector<std::string>& stages);
Status CheckExpireTime(int64_t expire_time);

}  // namespace csms
