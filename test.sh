#!/usr/bin/env bash
# Run the whole test suite, setting up everything first (venv, packages, Xvfb, fonts).
# Extra arguments go to pytest, e.g. ./test.sh tests/core -k scan
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
scripts/system-deps.sh
scripts/setup.sh "dev,raw"
export QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PHOTOINDEX_WEIGHTS=random
export PHOTOINDEX_MODELS_DIR="${PHOTOINDEX_MODELS_DIR:-$(cd "$here/.." && pwd)/shared/assets/models}"
echo "== architecture contract: the core never imports Qt" >&2
.venv/bin/lint-imports --config pyproject.toml
echo "== ruff" >&2
.venv/bin/ruff check photoindex tests bench
echo "== mypy (core)" >&2
.venv/bin/mypy
echo "== translations: the .ts files hold every tr() string (pyside6-lupdate finds nothing new), all translated" >&2
.venv/bin/python -m pytest -q -p no:cacheprovider tests/gui/test_translation.py -k "up_to_date or every_message"
echo "== pytest" >&2
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
