#!/bin/bash
# Two `lanet server` processes on one PostgreSQL schema, and the conformance suite against each in turn: the
# scale-out check of issue 12 (REG-3, HB-7 and the fleet view hold whichever instance answers).
# Usage: reference-server/bench/two-instances-conformance.sh [postgres://user@127.0.0.1:5432/db]
set -u
cd "$(dirname "$0")/../.."
BASE_URL=${1:-postgres://postgres@127.0.0.1:5432/test}
SCHEMA=lanet_two_$RANDOM$RANDOM
OUT=$(mktemp -d)
# Secrets by environment only (flags would show in /proc/PID/cmdline).
export LANET_ENROLLMENT_SECRET=$(openssl rand -hex 32) LANET_ADMIN_TOKEN=$(openssl rand -hex 32) LANET_ESCROW_KEY=$(openssl rand -hex 32)
export LANET_LOG_LEVEL=warn
DB="$BASE_URL?schema=$SCHEMA"
node bin/lanet.js server --port 0 --database "$DB" --offline-after 2 > "$OUT/a.out" 2> "$OUT/a.err" & A=$!
node bin/lanet.js server --port 0 --database "$DB" --offline-after 2 > "$OUT/b.out" 2> "$OUT/b.err" & B=$!
trap 'kill $A $B 2>/dev/null; wait; psql "$BASE_URL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" 2>/dev/null' EXIT
for _ in $(seq 90); do grep -q listening "$OUT/a.out" && grep -q listening "$OUT/b.out" && break; sleep 1; done
status=0
for name in a b; do
  url=$(sed -n 's/listening on //p' "$OUT/$name.out")
  [ -n "$url" ] || { echo "server $name did not start:"; cat "$OUT/$name.err"; exit 2; }
  node bin/lanet.js conformance --target "$url" --offline-after 2 --max-examples 200 > "$OUT/conformance-$name.txt" 2>&1 || status=1
  echo "instance $name ($url): $(grep -E '^[0-9]+ requirements' "$OUT/conformance-$name.txt")"
done
echo "full reports in $OUT"
exit $status
