#include "domain/agency.h"

namespace csms {

std::string AgencyName(std::string_view secret_type) {
  std::string name = "csms_";
  for (char c : secret_type) {
    if (c == '-')
      name += '_';
    else
      name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return name + "_agency";
}

}  // namespace csms
