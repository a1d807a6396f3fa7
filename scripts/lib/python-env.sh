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

# ensure_venv LOG_FILE: create .venv if needed and (re)install the project with its extras
# (KC_EXTRAS, default "dev") whenever pyproject.toml or the extras changed since the last install.
ensure_venv() {
    local log=$1 python stamp=.venv/.kechuang-install-stamp want
    if ! .venv/bin/python -c '' 2>/dev/null; then
        python=$(find_python) || return 1
        echo "creating .venv with $python"
        rm -rf .venv
        "$python" -m venv .venv || return 1
    fi
    local extras=${KC_EXTRAS:-dev}
    want="$( (cat pyproject.toml .venv/pyvenv.cfg; echo "$extras") | sha256sum | cut -d' ' -f1)"
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
        echo "installing the project and its dependencies into .venv (a few minutes the first time)"
        mkdir -p "$(dirname "$log")"
        if ! .venv/bin/python -m pip install --disable-pip-version-check -e ".[$extras]" \
            >"$log" 2>&1; then
            tail -n 30 "$log" >&2
            return 1
        fi
        echo "$want" >"$stamp"
    fi
}
