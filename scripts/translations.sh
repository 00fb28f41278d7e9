#!/usr/bin/env bash
# Refresh the catalogues after changing English text: extract every _()/ngettext()/N_() string
# into locales/cnnlab.pot, merge it into each language's .po (new entries come in empty, changed
# ones marked fuzzy), then check that the catalogues compile. Translate the new entries by hand.
# Usage: scripts/translations.sh
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
"$pybabel" --quiet extract -F babel.cfg --sort-by-file --no-wrap --omit-header \
  --project=cnnlab -o locales/cnnlab.pot .
"$pybabel" --quiet update -D cnnlab -i locales/cnnlab.pot -d locales --no-wrap --ignore-obsolete \
  --no-fuzzy-matching
for po in locales/*/LC_MESSAGES/cnnlab.po; do   # compiles? how much is translated?
  "$pybabel" compile --statistics -i "$po" -o "$(mktemp)"
done
