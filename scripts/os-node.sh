#!/usr/bin/env bash
# Start, stop or inspect the single-node OpenSearch 2.19 used by the tests.
#
#   scripts/os-node.sh start  [--port 9250]   build once, start in the background, wait for yellow
#   scripts/os-node.sh stop   [--port 9250]   stop the node started on that port
#   scripts/os-node.sh status [--port 9250]   running or not, and the cluster health
#
# Environment: OS_HEAP (default 512m), OS_START_TIMEOUT seconds (default 120).
# Each start wipes and recreates var/os-node/<port>/; the log is var/os-node/<port>.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_NAME=os-node
ENGINE="OpenSearch 2.19"
NODE_DIR="$ROOT/scripts/os-node"
VAR_DIR="$ROOT/var/os-node"
MAIN_CLASS="kechuang.osnode.OsNode"
HEAP="${OS_HEAP:-512m}"
TIMEOUT="${OS_START_TIMEOUT:-120}"
TIMEOUT_VAR=OS_START_TIMEOUT
PORT=9250
NETTY_PROPERTY=opensearch.set.netty.runtime.available.processors
TEST_URL_VAR=KC_TEST_OPENSEARCH_URL

# shellcheck source=scripts/lib/search-node.sh
source "$ROOT/scripts/lib/search-node.sh"
