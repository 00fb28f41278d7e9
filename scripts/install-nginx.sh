#!/usr/bin/env bash
# Debian's nginx: the reverse proxy of deploy/nginx.conf, and what the browser test of several
# Streamlit processes starts in front of them (tests/nginx_fixtures.py: a private nginx on
# 127.0.0.1, its own config and folder, stopped after). nginx lives in /usr/sbin, off a user's PATH.
set -euo pipefail
exec "$(dirname "$0")/apt-install.sh" /usr/sbin/nginx nginx "the browser test through nginx"
