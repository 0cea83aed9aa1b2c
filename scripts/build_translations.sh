#!/usr/bin/env bash
# Compile the Qt Linguist translations (photoindex/resources/translations/*.ts) into the .qm files
# the window loads (photoindex/gui/i18n.py). Called by scripts/setup.sh; quick when nothing changed.
# To collect new tr() strings into the .ts first: scripts/build_translations.sh --update
set -euo pipefail
cd "$(dirname "$0")/.."
bin=".venv/bin"
dir="photoindex/resources/translations"
if [ "${1:-}" = "--update" ]; then
  # English needs only the plural forms ("%n photos" -> "1 photo"); Korean needs every string.
  "$bin/pyside6-lupdate" -silent -locations none -no-obsolete -pluralonly photoindex/gui/*.py \
    -target-language en -ts "$dir/photoindex_en.ts"
  "$bin/pyside6-lupdate" -silent -locations none -no-obsolete photoindex/gui/*.py \
    -target-language ko_KR -ts "$dir/photoindex_ko.ts"
fi
for ts in "$dir"/*.ts; do
  [ -e "$ts" ] || continue
  qm="${ts%.ts}.qm"
  if [ ! -e "$qm" ] || [ "$ts" -nt "$qm" ]; then
    "$bin/pyside6-lrelease" -silent "$ts" -qm "$qm"
  fi
done
