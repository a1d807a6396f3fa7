#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite.
#
#   scripts/postgres.sh start    initialise (first time) and start; prints the URL
#   scripts/postgres.sh stop     stop the server (the data is kept for the next start)
#   scripts/postgres.sh status   "running <url>" (exit 0) or "stopped" (exit 3)
#   scripts/postgres.sh url      the SQLAlchemy URL of the test database
#   scripts/postgres.sh reset    stop and delete the cluster
#
# The cluster lives under var/pg/, listens on 127.0.0.1 only and has fsync off: it is for
# tests, never for data anyone wants to keep. Environment:
#   KC_PG_PORT     port to use (default 55432; when that one is taken a free one is picked)
#   KC_PG_BINDIR   directory holding initdb/pg_ctl (default: found automatically)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR="$ROOT/var/pg"
DB_NAME=kechuang_test
DB_USER=kechuang
DB_PASSWORD=kechuang
SUPERUSER_PASSWORD=postgres
DEFAULT_PORT=55432
# The OS user that owns the cluster when we run as root (initdb refuses to run as root).
SERVICE_USER=postgres

die() {
    echo "postgres.sh: $*" >&2
    exit 1
}

find_bindir() {
    local dir candidates=()
    if [[ -n "${KC_PG_BINDIR:-}" ]]; then
        candidates+=("$KC_PG_BINDIR")
    fi
    if command -v pg_config >/dev/null 2>&1; then
        candidates+=("$(pg_config --bindir 2>/dev/null || true)")
    fi
    # Debian keeps the server binaries out of PATH, one directory per major version; newest first.
    while IFS= read -r dir; do
        candidates+=("$dir")
    done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -rV)
    if command -v initdb >/dev/null 2>&1; then
        candidates+=("$(dirname "$(command -v initdb)")")
    fi
    for dir in "${candidates[@]}"; do
        if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

require_bindir() {
    BINDIR=$(find_bindir) || die "PostgreSQL server is not installed (no initdb/pg_ctl found in" \
        "pg_config --bindir, /usr/lib/postgresql/*/bin or PATH). Install it with" \
        "scripts/install-system-deps.sh (Debian package 'postgresql') or set KC_PG_BINDIR."
}

# Run a PostgreSQL program as the cluster owner: ourselves, or the service user when root.
as_owner() {
    if [[ $EUID -ne 0 ]]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        (cd / && runuser -u "$SERVICE_USER" -- "$@")
    else
        local quoted
        quoted=$(printf '%q ' "$@")
        (cd / && su -s /bin/sh "$SERVICE_USER" -c "$quoted")
    fi
}

ensure_service_user() {
    [[ $EUID -eq 0 ]] || return 0
    if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
        useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin "$SERVICE_USER" ||
            die "cannot create the '$SERVICE_USER' system user"
    fi
}

# Where the cluster itself lives. var/pg/cluster when the owner can reach it; when the checkout
# sits in a directory the service user cannot enter (e.g. under /root), a private directory in
# /tmp instead, remembered in var/pg/cluster-dir.
cluster_dir() {
    local dir
    if [[ -f "$STATE_DIR/cluster-dir" ]]; then
        dir=$(cat "$STATE_DIR/cluster-dir")
        if [[ -d "$dir" ]]; then
            echo "$dir"
            return
        fi
    fi
    dir="$STATE_DIR/cluster"
    mkdir -p "$dir"
    if [[ $EUID -eq 0 ]]; then
        chown "$SERVICE_USER": "$dir"
        chmod 700 "$dir"
        if ! as_owner test -w "$dir"; then
            rmdir "$dir"
            dir=$(mktemp -d "${TMPDIR:-/tmp}/kechuang-pg.XXXXXX")
            chown "$SERVICE_USER": "$dir"
            chmod 700 "$dir"
        fi
    fi
    echo "$dir" >"$STATE_DIR/cluster-dir"
    echo "$dir"
}

port_is_free() {
    python3 - "$1" <<'EOF'
import socket, sys
with socket.socket() as s:
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
EOF
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pick_port() {
    if [[ -n "${KC_PG_PORT:-}" ]]; then
        port_is_free "$KC_PG_PORT" || die "port $KC_PG_PORT (KC_PG_PORT) is already in use"
        echo "$KC_PG_PORT"
    elif port_is_free "$DEFAULT_PORT"; then
        echo "$DEFAULT_PORT"
    else
        free_port
    fi
}

is_running() {
    [[ -f "$STATE_DIR/cluster-dir" ]] || return 1
    local data
    data="$(cat "$STATE_DIR/cluster-dir")/data"
    [[ -f "$data/PG_VERSION" ]] || return 1
    as_owner "$BINDIR/pg_ctl" -D "$data" status >/dev/null 2>&1
}

url() {
    echo "postgresql+psycopg://$DB_USER:$DB_PASSWORD@127.0.0.1:$(cat "$STATE_DIR/port")/$DB_NAME"
}

init_cluster() {
    local dir=$1 data=$1/data pwfile
    pwfile="$dir/superuser-password"
    echo "$SUPERUSER_PASSWORD" >"$pwfile"
    [[ $EUID -ne 0 ]] || chown "$SERVICE_USER": "$pwfile"
    local locale_args=(--locale=C.UTF-8)
    if ! locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
        locale_args=(--no-locale)
    fi
    as_owner "$BINDIR/initdb" -D "$data" -U postgres --pwfile="$pwfile" -E UTF8 "${locale_args[@]}" \
        --auth-local=scram-sha-256 --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 ||
        die "initdb failed; see $dir/initdb.log"
    rm -f "$pwfile"
    # Test-only settings: durability off for speed, loopback only, no Unix socket (the checkout
    # path can be longer than a socket path may be).
    as_owner tee -a "$data/postgresql.conf" >/dev/null <<'EOF'

# kechuang test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 128MB
log_min_messages = warning
log_min_error_statement = error
EOF
}

psql_super() {
    PGPASSWORD=$SUPERUSER_PASSWORD "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
        -p "$(cat "$STATE_DIR/port")" -U postgres -d postgres "$@"
}

create_database() {
    if [[ -z "$(psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" ]]; then
        psql_super -c "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
    fi
    if [[ -z "$(psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]]; then
        psql_super -c "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
    fi
}

cmd_start() {
    require_bindir
    mkdir -p "$STATE_DIR"
    if is_running; then
        url
        return 0
    fi
    ensure_service_user
    local dir port
    dir=$(cluster_dir)
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
        echo "postgres.sh: initialising a test cluster in $dir" >&2
        init_cluster "$dir"
    fi
    port=$(pick_port)
    echo "$port" >"$STATE_DIR/port"
    if ! as_owner "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port" start >/dev/null; then
        tail -n 20 "$dir/postgres.log" >&2 || true
        die "PostgreSQL did not start; see $dir/postgres.log"
    fi
    local tries=0
    until "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port"; do
        tries=$((tries + 1))
        [[ $tries -lt 60 ]] || die "PostgreSQL on port $port is not accepting connections"
        sleep 0.5
    done
    create_database
    url
}

cmd_stop() {
    require_bindir
    if is_running; then
        as_owner "$BINDIR/pg_ctl" -D "$(cat "$STATE_DIR/cluster-dir")/data" -m fast -w stop >/dev/null
        echo "postgres.sh: stopped" >&2
    fi
}

cmd_status() {
    require_bindir
    if is_running; then
        echo "running $(url)"
    else
        echo "stopped"
        return 3
    fi
}

cmd_url() {
    [[ -f "$STATE_DIR/port" ]] || die "no test cluster yet; run: scripts/postgres.sh start"
    url
}

cmd_reset() {
    cmd_stop
    if [[ -f "$STATE_DIR/cluster-dir" ]]; then
        rm -rf "$(cat "$STATE_DIR/cluster-dir")"
    fi
    rm -rf "$STATE_DIR"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) cmd_url ;;
    reset) cmd_reset ;;
    *)
        echo "usage: $0 start|stop|status|url|reset" >&2
        exit 2
        ;;
esac
