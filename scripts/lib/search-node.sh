# The single-node search engine the tests use, started from jars Maven built: the body of
# scripts/es-node.sh (Elasticsearch 7.17) and scripts/os-node.sh (OpenSearch 2.19).
# Sourced, not run. The caller sets ROOT, NODE_NAME (es-node), ENGINE ("Elasticsearch 7.17"),
# NODE_DIR, VAR_DIR, MAIN_CLASS, HEAP, TIMEOUT, TIMEOUT_VAR (its variable's name), PORT (the
# default), NETTY_PROPERTY (the engine's "set netty processors" system property) and
# TEST_URL_VAR (what the tests read the address from), then sources it with its arguments.
# shellcheck shell=bash disable=SC2153,SC2154  # the variables above come from the caller

die() {
    echo "$NODE_NAME: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start|stop|status [--port PORT]" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
CMD="$1"
shift
while [[ $# -gt 0 ]]; do
    case "$1" in
        --port)
            [[ $# -ge 2 ]] || usage
            PORT="$2"
            shift 2
            ;;
        --port=*)
            PORT="${1#--port=}"
            shift
            ;;
        *) usage ;;
    esac
done
[[ "$PORT" =~ ^[0-9]+$ ]] || die "invalid port: $PORT"

PID_FILE="$VAR_DIR/$PORT.pid"
LOG_FILE="$VAR_DIR/$PORT.log"
HOME_DIR="$VAR_DIR/$PORT"
URL="http://127.0.0.1:$PORT"

require_java() {
    command -v java >/dev/null 2>&1 ||
        die "java not found on PATH; install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)"
    local version major
    version="$(java -version 2>&1 | awk -F '"' '/version/ {print $2; exit}')"
    major="${version%%.*}"
    [[ "$major" == "1" ]] && major="$(echo "$version" | cut -d. -f2)"
    [[ "$major" =~ ^[0-9]+$ ]] || die "cannot read the Java version from 'java -version'"
    ((major >= 11)) || die "Java $version is too old; $ENGINE needs Java 11+ (17 recommended)"
}

require_curl() {
    command -v curl >/dev/null 2>&1 || die "curl not found on PATH (Debian: apt-get install curl)"
}

# Prints the PID if a node we started is alive on this port.
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    # Guard against a recycled PID: the process must be our launcher.
    if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$MAIN_CLASS"; then
        echo "$pid"
        return 0
    fi
    return 1
}

build() {
    local stamp="$NODE_DIR/target/.build-stamp"
    if [[ -f "$stamp" && -d "$NODE_DIR/target/dependency" ]] &&
        [[ -z "$(find "$NODE_DIR/pom.xml" "$NODE_DIR/src" -newer "$stamp" -print -quit)" ]]; then
        return 0
    fi
    command -v mvn >/dev/null 2>&1 ||
        die "mvn not found on PATH; install Maven (Debian: apt-get install maven)"
    echo "$NODE_NAME: building the launcher (first run downloads the jars from Maven Central)..."
    rm -rf "$NODE_DIR/target/dependency"
    # Maven 3.8 prints stray ANSI resets even in batch mode; strip them.
    (cd "$NODE_DIR" && mvn -B -q package dependency:copy-dependencies 2>&1 | sed 's/\x1b\[0m//g') ||
        die "the Maven build failed (see the output above)"
    touch "$stamp"
}

health() {
    curl -sS --max-time 5 "$URL/_cluster/health" 2>/dev/null
}

start() {
    require_java
    require_curl
    local pid
    if pid="$(running_pid)"; then
        echo "$NODE_NAME: already running on $URL (pid $pid)"
        return 0
    fi
    if curl -s --max-time 2 -o /dev/null "$URL/"; then
        die "port $PORT is already answering HTTP but not from a node this script started; choose another --port"
    fi
    build

    mkdir -p "$VAR_DIR"
    rm -rf "$HOME_DIR"
    mkdir -p "$HOME_DIR"

    # shellcheck disable=SC2054  # the comma in -Djava.locale.providers=SPI,COMPAT is literal
    local -a jvm=(
        "-Xms$HEAP" "-Xmx$HEAP"
        -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError
        -Djava.awt.headless=true -Dfile.encoding=UTF-8
        -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true
        -Dio.netty.recycler.maxCapacityPerThread=0 -Dio.netty.allocator.numDirectArenas=0
        -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true
        -Djava.locale.providers=SPI,COMPAT
        "-D$NETTY_PROPERTY=false"
        -Djava.io.tmpdir="$HOME_DIR"
    )
    local launcher=(java "${jvm[@]}" -cp "$NODE_DIR/target/classes:$NODE_DIR/target/dependency/*"
        "$MAIN_CLASS" "$HOME_DIR" "$PORT")
    # setsid detaches the node from this shell's process group so it outlives the caller.
    if command -v setsid >/dev/null 2>&1; then
        setsid "${launcher[@]}" >"$LOG_FILE" 2>&1 </dev/null &
    else
        nohup "${launcher[@]}" >"$LOG_FILE" 2>&1 </dev/null &
    fi
    pid=$!
    echo "$pid" >"$PID_FILE"

    local started=$SECONDS t0
    t0="$(date +%s.%N)"
    echo "$NODE_NAME: starting $ENGINE on $URL (pid $pid, heap $HEAP, log $LOG_FILE)..."
    while true; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            echo "$NODE_NAME: the node exited during start-up; last lines of $LOG_FILE:" >&2
            tail -n 30 "$LOG_FILE" >&2 || true
            exit 1
        fi
        if curl -sf --max-time 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=2s" \
            -o /dev/null 2>/dev/null; then
            break
        fi
        if ((SECONDS - started >= TIMEOUT)); then
            echo "$NODE_NAME: not healthy after ${TIMEOUT}s ($TIMEOUT_VAR); stopping it." >&2
            echo "$NODE_NAME: last lines of $LOG_FILE:" >&2
            tail -n 30 "$LOG_FILE" >&2 || true
            stop_pid "$pid"
            exit 1
        fi
        sleep 0.5
    done
    echo "$NODE_NAME: ready on $URL after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')s (pid $pid)"
    echo "$NODE_NAME: for the tests: export $TEST_URL_VAR=$URL"
}

stop_pid() {
    local pid="$1" waited=0
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if ((waited >= 30)); then
            echo "$NODE_NAME: pid $pid ignored SIGTERM for 15s; sending SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
}

stop() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE"
        echo "$NODE_NAME: not running on port $PORT"
        return 0
    fi
    stop_pid "$pid"
    echo "$NODE_NAME: stopped (pid $pid)"
}

status() {
    local pid
    if pid="$(running_pid)"; then
        echo "$NODE_NAME: running on $URL (pid $pid)"
        local h
        if h="$(health)"; then
            echo "$h"
        else
            echo "$NODE_NAME: but $URL/_cluster/health does not answer" >&2
            exit 1
        fi
    else
        echo "$NODE_NAME: not running on port $PORT"
        exit 3
    fi
}

case "$CMD" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) usage ;;
esac
