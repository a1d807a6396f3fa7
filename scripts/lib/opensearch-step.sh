# shellcheck shell=bash
# The OpenSearch step of scripts/test.sh: start the node (scripts/os-node.sh, built with the
# k-NN plugin the engine-side vector cases need) alongside the others, run the search contract
# suite (tests/search) on it, stop it at exit.
# Uses record, service_missing, port_is_free, pytest_run, LOG_DIR and ROOT from test.sh.
# KC_OS_PORT picks the node's port (default 9250, or a free one); KC_TEST_OPENSEARCH_URL,
# when set, is used instead of starting a node.

OS_JOB='' OS_URL='' OS_PORT='' OS_STARTED_HERE=0
OS_SCRIPT="$ROOT/scripts/os-node.sh"

os_missing_reason() {
    if ! command -v java >/dev/null 2>&1; then
        echo "java not found"
    elif ! command -v mvn >/dev/null 2>&1 && [[ ! -d "$ROOT/scripts/os-node/target/dependency" ]]; then
        echo "mvn not found"
    fi
}

start_os_in_background() {
    if [[ -n "${KC_TEST_OPENSEARCH_URL:-}" ]]; then
        OS_URL=$KC_TEST_OPENSEARCH_URL
        return
    fi
    [[ -z "$(os_missing_reason)" ]] || return 0
    OS_PORT=${KC_OS_PORT:-9250}
    if "$OS_SCRIPT" status --port "$OS_PORT" >/dev/null 2>&1; then
        OS_URL="http://127.0.0.1:$OS_PORT"
        return
    fi
    if [[ -z "${KC_OS_PORT:-}" ]] && ! port_is_free "$OS_PORT"; then
        OS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    fi
    OS_STARTED_HERE=1
    "$OS_SCRIPT" start --port "$OS_PORT" >"$LOG_DIR/os-node.out" 2>&1 &
    OS_JOB=$!
}

# The contract suite on OpenSearch; the node's start-up is recorded like the other services.
run_opensearch_contract() {
    local t0=$SECONDS reason
    reason=$(os_missing_reason)
    if [[ -n "$OS_JOB" ]]; then
        if wait "$OS_JOB"; then
            OS_URL="http://127.0.0.1:$OS_PORT"
        else
            cat "$LOG_DIR/os-node.out" >&2
            reason="could not start (see var/test-logs/os-node.out)"
        fi
        OS_JOB=''
    fi
    if [[ -z "$OS_URL" ]]; then
        service_missing "service: OpenSearch" "${reason:-could not start}"
        return
    fi
    record "service: OpenSearch" ok $((SECONDS - t0)) "$OS_URL"
    pytest_run "pytest: search contract on OpenSearch" "$LOG_DIR/pytest-opensearch.xml" \
        "KC_TEST_OPENSEARCH_URL=$OS_URL" KC_TEST_SEARCH_BACKEND=opensearch -- \
        tests/search -k opensearch
}

stop_opensearch() {
    [[ -z "$OS_JOB" ]] || wait "$OS_JOB"
    if [[ $OS_STARTED_HERE -eq 1 ]]; then
        "$OS_SCRIPT" stop --port "$OS_PORT" >/dev/null 2>&1 || true
    fi
}
