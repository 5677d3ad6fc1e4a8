#!/usr/bin/env bash
# Installs the npm test peers of the Schema Registry converter tests (package-lock.json pins
# them) into a cache outside the clone and prints the node_modules directory. Idempotent: a cache
# made from the same lock file is reused. Called by `./dev deps` and by the tests on first use.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v npm >/dev/null || { echo "npm is needed for the Schema Registry tests (Node.js 18+)" >&2; exit 1; }
key=$(sha256sum "$here/package-lock.json" | cut -c1-16)
dir=${KC_CACHE_DIR:-$HOME/.cache/kconnect}/npm/schema-registry-$key
if [[ ! -f $dir/.installed ]]; then
  mkdir -p "$dir"
  cp "$here/package.json" "$here/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  touch "$dir/.installed"
fi
echo "$dir/node_modules"
