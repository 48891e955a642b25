// kModuleAbiVersion: what a database client module's entry-point table carries and csmsd checks
// before calling it (common/module_loader.h). It is derived at build time from every header of
// src/ (cmake/module_abi.cmake): a module and the csmsd that loads it agree on it only when they
// were built from the same headers, so a stale module beside a new binary (a class it implements
// gained a virtual method, say) is refused with a message instead of called wrongly. It used to be
// a number bumped by hand (decision 140).
#pragma once

#include "csms_module_abi.h"  // generated

namespace csms {

inline constexpr int kModuleAbiVersion = CSMS_MODULE_ABI_VERSION;

}  // namespace csms
