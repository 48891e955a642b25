// The one place a grant widens what a role allows (docs/auth.md "Grants"): a route that names a
// secret parameter (Route::grant_param) and a read or list action lets a caller whose role denies
// the action through when the caller holds a valid grant on that secret of the path's project.
#pragma once

#include "auth/principal.h"
#include "http/api.h"

namespace csms::http {

// False for routes without grant_param, write actions, no grant service, or a failed lookup
// (logged; the caller then gets the role's denial: fail closed).
bool GrantAllows(Services& services, const Route& route, const PathParams& params, const Principal& principal);

}  // namespace csms::http
