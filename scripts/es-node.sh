#!/usr/bin/env bash
# Start, stop or inspect the single-node Elasticsearch used by the tests.
#
#   scripts/es-node.sh start  [--port 9200]   build once, start in the background, wait for yellow
#   scripts/es-node.sh stop   [--port 9200]   stop the node started on that port
#   scripts/es-node.sh status [--port 9200]   running or not, and the cluster health
#
# Environment: ES_HEAP (default 512m), ES_START_TIMEOUT seconds (default 120).
# Each start wipes and recreates var/es-node/<port>/; the log is var/es-node/<port>.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_NAME=es-node
ENGINE="Elasticsearch 7.17"
NODE_DIR="$ROOT/scripts/es-node"
VAR_DIR="$ROOT/var/es-node"
MAIN_CLASS="kechuang.esnode.EsNode"
HEAP="${ES_HEAP:-512m}"
TIMEOUT="${ES_START_TIMEOUT:-120}"
TIMEOUT_VAR=ES_START_TIMEOUT
PORT=9200
NETTY_PROPERTY=es.set.netty.runtime.available.processors
TEST_URL_VAR=KC_TEST_ELASTICSEARCH_URL

# shellcheck source=scripts/lib/search-node.sh
source "$ROOT/scripts/lib/search-node.sh"
