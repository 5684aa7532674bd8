#!/usr/bin/env bash
# Renders an HTML page (e.g. the report.html written by `ftft datamap`) to a PNG with headless Chromium, so a
# person — or a reviewer without a browser — can look at exactly what the page shows.
# Usage: scripts/render-report.sh <page.html> <out.png> [width] [height]
# Needs `chromium` (Debian: apt-get install -y chromium). The test suite never needs it.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <page.html> <out.png> [width, default 1400] [height, default 1500]" >&2
  exit 2
fi
page="$1"
out="$2"
width="${3:-1400}"
height="${4:-1500}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
  echo "$0: no chromium found (apt-get install -y chromium)" >&2
  exit 1
fi
[ -f "$page" ] || { echo "$0: $page does not exist" >&2; exit 1; }
page_url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: containers usually run as root, where Chromium refuses its sandbox.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$out_abs" "$page_url" 2>/dev/null
[ -s "$out_abs" ] || { echo "$0: chromium wrote no screenshot" >&2; exit 1; }
echo "$out_abs"
