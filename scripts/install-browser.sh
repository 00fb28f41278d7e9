#!/usr/bin/env bash
# Debian's Chromium for the real-browser tests (Playwright cannot download browsers offline).
set -euo pipefail
exec "$(dirname "$0")/apt-install.sh" chromium chromium "the real-browser tests"
