#!/usr/bin/env bash
# Debian's redis-server: what a class on the Redis + RQ queue needs, and what its tests start
# (each test run starts a private instance on 127.0.0.1 and stops it after).
set -euo pipefail
exec "$(dirname "$0")/apt-install.sh" redis-server redis-server "the Redis queue tests"
