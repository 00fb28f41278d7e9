#!/usr/bin/env bash
# Debian's Noto CJK fonts, so Chromium draws the Chinese pages (screenshots, browser tests)
# with real characters instead of empty boxes. The app itself needs no font on the server.
set -euo pipefail
if fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq fonts-noto-cjk >/dev/null
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo apt-get update -qq >/dev/null
  sudo DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq fonts-noto-cjk >/dev/null
else
  echo "No Noto CJK font and no apt-get: Chinese screenshots will show boxes." >&2
fi
