#!/usr/bin/env bash
# Set up (first time only) and run the whole test suite, real-browser tests included.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh requirements-dev.txt
scripts/install-browser.sh
scripts/install-redis.sh
scripts/install-nginx.sh
scripts/install-cjk-font.sh
scripts/install-postgres.sh
export TF_CPP_MIN_LOG_LEVEL=2
exec .venv/bin/python -m pytest "$@"
