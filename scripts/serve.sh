#!/usr/bin/env bash
# Quick start: install into .venv, migrate, load the demo data and serve the platform on the
# embedded default (SQLite + built-in Chinese search under ./var) at http://127.0.0.1:8000.
#   ./scripts/serve.sh                 # then open http://127.0.0.1:8000
#   ./scripts/serve.sh --port 8080     # extra arguments go to `kechuang serve`
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/python-env.sh
source scripts/lib/python-env.sh

ensure_venv var/logs/pip-install.log
.venv/bin/kechuang migrate
.venv/bin/kechuang seed-demo
echo
echo "科创一网通 is starting on http://127.0.0.1:8000 — demo logins are listed in README.md"
echo "(platform administrator: admin@demo.kechuang.cn / Demo12345). Ctrl+C stops it."
exec .venv/bin/kechuang serve "$@"
