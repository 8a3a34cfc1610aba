#!/usr/bin/env bash
# axe-core for the accessibility tests (tests/api/browser_axe.rs): the pinned version, installed
# with npm into .axe/ (ignored by git; not vendored, to keep 560 KB of minified JavaScript out of
# the history). CI runs this; run it once locally before `cargo nextest run -E 'test(/axe/)'`.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.11.1
if [ -f .axe/node_modules/axe-core/package.json ] &&
  grep -q "\"version\": \"$AXE_VERSION\"" .axe/node_modules/axe-core/package.json; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed to install axe-core (apt install npm)" >&2
  exit 1
fi
npm install --prefix .axe --no-save --no-package-lock --no-audit --no-fund "axe-core@$AXE_VERSION"
test -f .axe/node_modules/axe-core/axe.min.js
