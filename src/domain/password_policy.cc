#include "domain/password_policy.h"

#include <algorithm>
#include <string>

#include "common/errors.h"
#include "common/utf8.h"

namespace csms::password_policy {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

// Code points of valid UTF-8 (checked before).
size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

Status Check(std::string_view user_name, std::string_view old_password, std::string_view password) {
  if (!utf8::IsValid(password)) return errors::WeakPassword("password must be valid UTF-8");
  size_t length = CodePoints(password);
  if (length < kMinLength || length > kMaxLength) {
    return errors::WeakPassword("password must have " + std::to_string(kMinLength) + " to " +
                                std::to_string(kMaxLength) + " characters");
  }
  bool lower = false, upper = false, digit = false, other = false;
  for (unsigned char c : password) {
    if (c < 0x20 || c == 0x7f) return errors::WeakPassword("password must not contain control characters");
    if (c >= 'a' && c <= 'z')
      lower = true;
    else if (c >= 'A' && c <= 'Z')
      upper = true;
    else if (c >= '0' && c <= '9')
      digit = true;
    else
      other = true;
  }
  if (lower + upper + digit + other < kMinClasses) {
    return errors::WeakPassword("password must mix at least " + std::to_string(kMinClasses) +
                                " of: lower-case letters, upper-case letters, digits, other characters");
  }
  std::string name = Lower(user_name), reversed(name.rbegin(), name.rend()), candidate = Lower(password);
  if (candidate == name || candidate == reversed) {
    return errors::WeakPassword("password must not be the user name or the user name reversed");
  }
  if (password == old_password) return errors::WeakPassword("password must differ from the old password");
  return Status::OK();
}

}  // namespace csms::password_policy
