#!/usr/bin/env bash
# The README's screenshots (docs/screenshots/*.png): the console's main pages at 1280×900 and at
# a phone's 390×844, and the applicant's form, a refusal and the status page at the phone's
# width. Taken in headless Chromium by the ignored test
# browser_screenshots::screenshots_of_the_main_pages, from the same campaign the axe-core test
# reads (tests/api/browser_world.rs). Dates and ids in the pictures are those of the day it runs.
#
#   scripts/screenshots.sh            # writes docs/screenshots/
#   HONORARIA_SCREENSHOTS=/tmp/shots scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium draws every Japanese character as a box without a Japanese font.
if ! fc-list :lang=ja 2>/dev/null | grep -q .; then
  echo "no Japanese font is installed: apt install fonts-noto-cjk" >&2
  exit 1
fi
if ! command -v chromedriver >/dev/null 2>&1; then
  echo "chromedriver is missing: apt install chromium chromium-driver" >&2
  exit 1
fi

out="$(realpath -m "${HONORARIA_SCREENSHOTS:-docs/screenshots}")"
mkdir -p "$out"
rm -f "$out"/*.png
HONORARIA_SCREENSHOTS="$out" cargo test --test api -- --ignored --exact \
  browser_screenshots::screenshots_of_the_main_pages
# Smaller files where a PNG optimiser is at hand (the pictures are the same).
if command -v oxipng >/dev/null 2>&1; then
  oxipng -q -o 2 --strip safe "$out"/*.png
fi
ls -l "$out"
du -ch "$out"/*.png | tail -n 1
