#!/usr/bin/env bash
# Runs Schemathesis against a live Lightwatch: builds cmd/lightwatch, starts it
# on a free port with a fresh data directory and a known bootstrap key, waits
# until it is ready, runs every phase and every check of Schemathesis on
# openapi/ingest.yaml and openapi/api.yaml, stops the server, and exits non-zero
# if any run failed.
#
# Usage: openapi/schemathesis/run.sh SCHEMATHESIS_BINARY
# Settings (environment): ST_SEED, ST_MAX_EXAMPLES, ST_WORKERS.
set -euo pipefail

st=${1:?usage: $0 path/to/schemathesis}
cd "$(dirname "$0")/../.."
here=openapi/schemathesis
seed=${ST_SEED:-20261128}
max_examples=${ST_MAX_EXAMPLES:-25}
workers=${ST_WORKERS:-1}
key=lw_schemathesis_0123456789abcdef

tmp=$(mktemp -d)
server=
cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/lightwatch" ./cmd/lightwatch

# A rate limit far above what the run sends (each 429 is declared in the specs,
# but a throttled run would test little else); port 0: the kernel picks a free one.
LIGHTWATCH_ADDR=127.0.0.1:0 \
	LIGHTWATCH_DATA_DIR="$tmp/data" \
	LIGHTWATCH_BOOTSTRAP_KEY=$key \
	LIGHTWATCH_RATE_LIMIT=1000000 \
	LIGHTWATCH_RATE_BURST=1000000 \
	LIGHTWATCH_LOG_LEVEL=warn \
	"$tmp/lightwatch" >"$tmp/server.log" 2>&1 &
server=$!

# Wait (at most 60 s) for the banner naming the address, then for /readyz.
url=
for _ in $(seq 600); do
	url=$(sed -n 's|^Lightwatch is listening on \(http://[^ ]*\).*|\1|p' "$tmp/server.log" | head -1)
	if [ -n "$url" ] && curl -fsS -o /dev/null "$url/readyz" 2>/dev/null; then
		break
	fi
	if ! kill -0 "$server" 2>/dev/null; then
		cat "$tmp/server.log"
		echo "lightwatch exited before it was ready" >&2
		exit 1
	fi
	url=
	sleep 0.1
done
if [ -z "$url" ]; then
	cat "$tmp/server.log"
	echo "lightwatch was not ready within 60 s" >&2
	exit 1
fi
echo "lightwatch is ready at $url"

status=0
for spec in ingest api; do
	echo "=== Schemathesis: openapi/$spec.yaml (seed $seed, at most $max_examples examples per operation)"
	start=$SECONDS
	PYTHONPATH=$here SCHEMATHESIS_HOOKS=hooks "$st" run "openapi/$spec.yaml" \
		--url "$url" \
		-H "Authorization: Bearer $key" \
		--phases examples,coverage,fuzzing,stateful \
		--checks all \
		--seed "$seed" \
		--max-examples "$max_examples" \
		--workers "$workers" \
		--generation-database none \
		--no-color || status=1
	echo "=== openapi/$spec.yaml took $((SECONDS - start)) s"
done

if grep -q '"level":"ERROR"' "$tmp/server.log"; then
	echo "=== server errors logged during the run:"
	grep '"level":"ERROR"' "$tmp/server.log" | head -50
fi
exit $status
