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
# Retention 0 (keep forever): generated events carry any ts the schema allows,
# and the positive-data checks expect them taken, not refused as expired.
LIGHTWATCH_ADDR=127.0.0.1:0 \
	LIGHTWATCH_RETENTION=0 \
	LIGHTWATCH_DATA_DIR="$tmp/data" \
	LIGHTWATCH_BOOTSTRAP_KEY=$key \
	LIGHTWATCH_RATE_LIMIT=1000000 \
	LIGHTWATCH_RATE_BURST=1000000 \
	LIGHTWATCH_AUTH_FAILURE_LIMIT=0 \
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

# A little of every kind of data, and an alert firing on it, so that the query
# API's answers have items for the response checks to look at. The query API
# runs first: the ingest run stores batches of 10,000 events (the limit), which
# would only make every listing slower.
post() {
	local code
	code=$(curl -sS -o "$tmp/answer" -w '%{http_code}' -X POST "$url$1" -H "Authorization: Bearer $key" \
		-H 'Content-Type: application/json' --data-binary "$2")
	if [ "$code" != "$3" ]; then
		echo "seeding: POST $1 answered $code, want $3: $(cat "$tmp/answer")" >&2
		exit 1
	fi
}
post /ingest/logs '[{"service":"checkout","level":"error","message":"payment declined","attrs":{"order_id":"A-1001","http.status":402}},
	{"service":"checkout","level":"info","message":"order placed","host":"web-1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}]' 202
post /ingest/metrics '[{"name":"http_requests_total","value":1027,"type":"counter","service":"checkout","labels":{"method":"GET","code":"200"}},
	{"name":"cpu_usage","value":0.42,"service":"checkout","host":"web-1"}]' 202
post /ingest/security-events '{"service":"auth","category":"authentication","severity":"high","action":"login","outcome":"failure","actor":"alice","src_ip":"203.0.113.7","message":"5 failed logins"}' 202
post /ingest/heartbeats '{"service":"checkout","instance":"checkout-7f9c","status":"up","interval_seconds":30}' 202
post /api/alert-rules '{"name":"checkout errors","kind":"log_count","filter":{"service":"checkout","level":["error"]},"window":"1h","op":"gte","threshold":1}' 201
fired=
for _ in $(seq 300); do
	if curl -fsS -H "Authorization: Bearer $key" "$url/api/alerts" | grep -q '"state":"firing"'; then
		fired=yes
		break
	fi
	sleep 0.1
done
[ -n "$fired" ] || echo "note: the seeded alert did not fire within 30 s; /api/alerts is tested empty"

status=0
for spec in api ingest; do
	echo "=== Schemathesis: openapi/$spec.yaml (seed $seed, at most $max_examples examples per operation)"
	start=$SECONDS
	PYTHONDONTWRITEBYTECODE=1 HYPOTHESIS_STORAGE_DIRECTORY="$tmp/hypothesis" PYTHONPATH=$here SCHEMATHESIS_HOOKS=hooks \
		"$st" --config-file $here/schemathesis.toml run "openapi/$spec.yaml" \
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
