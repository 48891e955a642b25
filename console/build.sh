#!/usr/bin/env bash
# Builds the console into OUT_DIR: app.js (esbuild bundle of src/main.js) and app.css, next to a
# copy of index.html. npm packages come from package-lock.json (`npm ci`, once: later builds
# work offline); CMake embeds the three files into csmsd (src/http/handlers/console.cc).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out=${1:?usage: console/build.sh OUT_DIR}
mkdir -p "$out"
cd "$here"
(
  flock 9  # two build trees may build the console at once
  if [[ ! -x node_modules/.bin/esbuild ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
) 9> "$here/.npm-install.lock"
node_modules/.bin/esbuild src/main.js --bundle --minify --format=iife --target=es2020 --legal-comments=none \
  --outfile="$out/app.js" --log-level=warning
cp src/style.css "$out/app.css"
cp index.html "$out/index.html"
