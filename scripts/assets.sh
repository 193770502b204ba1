#!/usr/bin/env bash
# Refresh the vendored front-end files from the versions pinned in
# tools/assets/package.json (edit the pins there, then run `make assets`).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

(cd tools/assets && npm ci --no-audit --no-fund)

dest=internal/web/static/vendor
mkdir -p "$dest"
cp tools/assets/node_modules/htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
cp tools/assets/node_modules/htmx-ext-sse/dist/sse.min.js "$dest/sse.min.js"
cp tools/assets/node_modules/echarts/dist/echarts.min.js "$dest/echarts.min.js"
echo "assets.sh: updated $dest (htmx.min.js, sse.min.js, echarts.min.js)"
