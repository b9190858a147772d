#!/usr/bin/env bash
# Every test, from a fresh clone: what `npm test` and CI run.
# Steps: system packages a test needs (installed if missing), protobuf code
# generation, type check, lint, unit + integration tests, end-to-end tests
# with real processes, and the deterministic simulator over a fixed seed range.
set -euo pipefail
cd "$(dirname "$0")/.."

node_version=$(node --version)
case "$node_version" in
  v2[4-9].*|v[3-9][0-9].*) ;;
  *) echo "test.sh: node $node_version on PATH; run through npm (npm test) so the pinned Node 24 is used" >&2; exit 2 ;;
esac

bash scripts/ensure-system-deps.sh

echo "== generate protocol code"
node scripts/gen-proto.ts

echo "== type check (tsc --build)"
tsc --build

echo "== lint"
eslint --max-warnings 0 .

echo "== unit and integration tests"
node --test --test-concurrency=2 --test-reporter=spec \
  "libs/*/test/**/*.test.ts" "services/*/test/**/*.test.ts"

echo "== end-to-end tests (real processes)"
node --test --test-concurrency=1 --test-reporter=spec "e2e/test/**/*.test.ts"

echo "== deterministic simulation: raft (register workload)"
node libs/sim/src/cli.ts --seeds "${SIM_SEEDS:-300}"

echo "== deterministic simulation: the store (KV, leases, watches)"
node libs/sim/src/cli.ts --workload store --seeds "${STORE_SIM_SEEDS:-100}"
