#!/usr/bin/env bash
# Checks the dependency rule of docs/architecture.md: a folder of src/ includes only its own
# headers and those of the folders listed for it below, so dependencies point down and the
# folders form no cycle. Run by CTest (layer_dependencies); exits 1 and names each offending
# #include otherwise.
#   usage: scripts/check-layers.sh [SRC_DIR]     (default: the src/ beside this script)
set -euo pipefail

SRC=${1:-"$(cd "$(dirname "$0")/.." && pwd)/src"}

# Folder → the folders it may include, lowest layers first. A new folder must be added here.
declare -A ALLOWED=(
  [common]=""
  [metrics]="common"
  [crypto]="common"
  [domain]="common"
  [json]="common domain"
  [notify_format]="common domain crypto json"
  [net]="common"
  [store]="common domain crypto"
  [auth]="common domain crypto store"
  [service]="common domain crypto json notify_format store"
  [notify]="common domain crypto json notify_format net store auth service metrics"
  [rotation]="common domain json net service"
  [scheduler]="common domain notify_format store service"
  [audit]="common crypto json"
  [http]="common domain crypto json notify_format auth service scheduler audit metrics"
  [cli]="common crypto json net auth"
  [app]="common domain crypto json notify_format net store auth service notify rotation scheduler http audit metrics"
)

# Known upward edges being removed, as "FILE TARGET-FOLDER", each with the reason.
EXCEPTIONS=(
)

# One pass over every #include "folder/..." line of src/ (the machine may be busy: no process per line).
allowed_table=$(for f in "${!ALLOWED[@]}"; do echo "$f ${ALLOWED[$f]}"; done)
set +e
grep -rnE --include='*.h' --include='*.cc' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$SRC" |
  awk -v src="$SRC/" -v table="$allowed_table" -v exceptions="$(printf '%s\n' "${EXCEPTIONS[@]}")" '
    BEGIN {
      n = split(table, rows, "\n")
      for (i = 1; i <= n; i++) {
        m = split(rows[i], parts, " ")
        known[parts[1]] = 1
        for (j = 2; j <= m; j++) allowed[parts[1] " " parts[j]] = 1
      }
      n = split(exceptions, rows, "\n")
      for (i = 1; i <= n; i++) if (rows[i] != "") exception[rows[i]] = 1
    }
    {
      split($0, f, ":")
      file = substr(f[1], length(src) + 1)
      folder = file; sub(/\/.*/, "", folder)
      inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
      if (index(inc, "/") == 0) next
      target = inc; sub(/\/.*/, "", target)
      if (target == folder) next
      if (!(folder in known)) { printf "check-layers: src/%s: folder %s is not in the table of scripts/check-layers.sh\n", file, folder; bad++; next }
      if ((folder " " target) in allowed || (file " " target) in exception) next
      printf "check-layers: src/%s:%s includes \"%s\": %s may not depend on %s\n", file, f[2], inc, folder, target
      bad++
    }
    END { exit bad > 0 }' >&2
failures=$?
set -e

if ((failures > 0)); then
  echo "check-layers: $failures include(s) break the dependency rule (docs/architecture.md)" >&2
  exit 1
fi
echo "check-layers: every include follows the dependency rule"
