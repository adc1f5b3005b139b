#!/usr/bin/env bash
# Runs one http script test: starts the local test server (tools/test_http_server.cpp) on a
# free loopback port, exports it as ASY_TEST_HTTP_PORT, runs tools/run_script_test.sh with the
# remaining arguments, then stops the server.
#
# usage: tools/run_http_test.sh SERVER_BINARY [--timeout SECONDS] ASY_BINARY DIR NAME
set -u
if [ $# -lt 4 ]; then
    echo "usage: $0 SERVER_BINARY [--timeout SECONDS] ASY_BINARY DIR NAME" >&2
    exit 2
fi
server=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/asy-http-test.XXXXXX") || exit 2
"$server" "$tmp/port" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do
    [ -f "$tmp/port" ] && break
    sleep 0.025
done
if [ ! -f "$tmp/port" ]; then
    echo "FAIL: test http server did not start" >&2
    exit 1
fi
ASY_TEST_HTTP_PORT=$(tr -d ' \n' < "$tmp/port")
export ASY_TEST_HTTP_PORT
bash "$(dirname "${BASH_SOURCE[0]}")/run_script_test.sh" "$@"
