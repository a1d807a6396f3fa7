#!/usr/bin/env bash
# Pin every dependency: requirements/*.txt, with hashes, from pyproject.toml (and build.in).
#   ./scripts/lock-requirements.sh                 # after changing pyproject.toml: keeps the other pins
#   ./scripts/lock-requirements.sh --upgrade       # move every pin to the newest release
#   ./scripts/lock-requirements.sh -P fastapi      # move one package (uv's --upgrade-package)
# dev.txt (the project, its build and the dev extra) is resolved first; the other files are held
# to its versions, so any of them can be installed together. scripts/lib/python-env.sh installs
# serve.txt plus one file per extra in KC_EXTRAS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
UV_VERSION=0.13.8
uv=${UV:-.venv/bin/uv}
if ! "$uv" --version 2>/dev/null | grep -q "^uv $UV_VERSION"; then
    [[ -x .venv/bin/python ]] || python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
    uv=.venv/bin/uv
fi
compile() {
    local out=$1
    shift
    "$uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes \
        --custom-compile-command ./scripts/lock-requirements.sh -o "requirements/$out" "$@"
}
compile dev.txt pyproject.toml requirements/build.in --extra dev "$@"
for extra in serve fast dense; do
    args=(pyproject.toml -c requirements/dev.txt)
    if [[ $extra == serve ]]; then
        args+=(requirements/build.in)
    else
        args+=(--extra "$extra")
    fi
    compile "$extra.txt" "${args[@]}" "$@"
done
echo "requirements/: $(cat requirements/*.txt | grep -c '^[a-z0-9].*==') pins written"
