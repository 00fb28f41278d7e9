#!/usr/bin/env bash
# Install a Debian package if COMMAND is missing: scripts/apt-install.sh COMMAND PACKAGE WHAT-IS-SKIPPED
set -euo pipefail
command="$1" package="$2" skipped="$3"
if command -v "$command" >/dev/null 2>&1; then exit 0; fi
sudo=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; }; then
  $sudo apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
else
  echo "No $command and no apt-get: $skipped will be skipped." >&2
fi
