#!/usr/bin/env bash
# Install the Debian packages the full test suite needs; packages already present are skipped.
#
#   postgresql                  the second test run (scripts/postgres.sh starts a private cluster)
#   chromium, chromium-driver   headless browser tests
#   fonts-noto-cjk              so Chinese text renders in browser screenshots
#   fonts-wqy-microhei          the Chinese TrueType font every generated PDF embeds
#   poppler-utils               pdffonts/pdftotext: the PDF tests check the embedded fonts
#   ShellCheck                  lints our shell scripts; scripts/test.sh runs it
#   curl                        scripts/es-node.sh polls the node with it
#
# Java 17 and Maven (for the Elasticsearch test node) and python3-venv are installed only when
# their commands are missing.
# Needs root or sudo. Safe to run again: when nothing is missing it does nothing.
set -euo pipefail

PACKAGES=(postgresql chromium chromium-driver fonts-noto-cjk fonts-wqy-microhei poppler-utils
    shellcheck curl)

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-deps.sh: not a Debian-based system; install by hand: ${PACKAGES[*]}" >&2
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done
# Usually present already, possibly from outside Debian (a JDK in /opt, pyenv's Python): judged
# by the command, not the package.
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
if [[ "$(command -v python3 || true)" == /usr/bin/python3 ]] &&
    ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

sudo=()
if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 ||
        { echo "install-system-deps.sh: need root to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi

echo "install-system-deps.sh: installing ${missing[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_get() {
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        return 1
    fi
}
# Refresh the package lists once when a missing package is unknown to them (fresh machine);
# otherwise try the install straight away and refresh only if that fails (stale lists).
needs_update=0
for pkg in "${missing[@]}"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
        needs_update=1
        break
    fi
done
if [[ $needs_update -eq 1 ]]; then
    apt_get update
fi
if ! apt_get install --no-install-recommends "${missing[@]}"; then
    [[ $needs_update -eq 0 ]] || exit 1
    echo "install-system-deps.sh: install failed; refreshing the package lists and retrying" >&2
    apt_get update
    apt_get install --no-install-recommends "${missing[@]}"
fi
echo "install-system-deps.sh: done"
