#!/usr/bin/env bash
# Debian's PostgreSQL server, for the tests that run the classroom database on a real PostgreSQL
# (tests/postgres.py starts a throw-away server on loopback and stops it after).
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi  # Debian's place, off PATH
exec "$(dirname "$0")/apt-install.sh" initdb postgresql "the PostgreSQL tests"
