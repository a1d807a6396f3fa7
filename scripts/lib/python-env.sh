# shellcheck shell=bash
# Sourced by scripts/serve.sh and scripts/test.sh: find Python 3.11+ and keep .venv installed.
# Call from the repository root. PYTHON picks the interpreter for a new .venv.

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "no Python 3.11+ found (set PYTHON)" >&2
    return 1
}

# requirement_files EXTRAS: the pinned requirement files for a comma-separated list of extras,
# one a line: requirements/serve.txt (what serving needs), then requirements/EXTRA.txt for each.
requirement_files() {
    local extra names=()
    echo requirements/serve.txt
    IFS=, read -ra names <<<"$1"
    for extra in "${names[@]}"; do
        [[ -n "$extra" ]] || continue
        if [[ ! -f "requirements/$extra.txt" ]]; then
            echo "unknown extra '$extra': there is no requirements/$extra.txt" >&2
            return 1
        fi
        echo "requirements/$extra.txt"
    done
}

# ensure_venv LOG_FILE: create .venv if needed and install the pinned dependencies (requirements/,
# see scripts/lock-requirements) for the extras in KC_EXTRAS (default "dev"; "" for serving only),
# then the project itself, whenever pyproject.toml, those files or the extras changed since the
# last install.
ensure_venv() {
    local log=$1 python stamp=.venv/.kechuang-install-stamp want files=() file
    if ! .venv/bin/python -c '' 2>/dev/null; then
        python=$(find_python) || return 1
        echo "creating .venv with $python"
        rm -rf .venv
        "$python" -m venv .venv || return 1
    fi
    local extras=${KC_EXTRAS-dev} list
    list=$(requirement_files "$extras") || return 1
    mapfile -t files <<<"$list"
    want="$( (cat pyproject.toml .venv/pyvenv.cfg "${files[@]}"; echo "$extras") | sha256sum | cut -d' ' -f1)"
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
        echo "installing the pinned dependencies (${files[*]}) into .venv (a few minutes the first time)"
        mkdir -p "$(dirname "$log")"
        local pip=(.venv/bin/python -m pip install --disable-pip-version-check --no-deps)
        local args=()
        for file in "${files[@]}"; do
            args+=(-r "$file")
        done
        # Hashes are checked and nothing unpinned comes in; the project is then built with the
        # pinned setuptools rather than whatever a build environment would fetch. Bytecode is
        # written as modules are first imported, not for every file of every package up front.
        if ! { "${pip[@]}" --require-hashes --no-compile "${args[@]}" &&
            "${pip[@]}" --no-build-isolation -e .; } >"$log" 2>&1; then
            tail -n 30 "$log" >&2
            return 1
        fi
        echo "$want" >"$stamp"
    fi
}
