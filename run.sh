#!/usr/bin/env bash
# Run photoindex: sets itself up on first use. `./run.sh` opens the window, `./run.sh ~/Pictures`
# opens it and indexes that folder, `./run.sh search "dog on a beach"` uses the command line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/scripts/setup.sh" raw
exec "$here/.venv/bin/photoindex" "$@"
