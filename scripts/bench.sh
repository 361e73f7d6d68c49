#!/usr/bin/env bash
# Measures entraide's latency against a raw client-to-client hop on a throwaway local
# Synapse, in one run, and prints a table (see README, "Benchmark"). Arguments go to the
# benchmark (`--samples N`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-synapse.sh
RUST_LOG="${RUST_LOG:-off}" exec cargo run --quiet --locked -p entraide-tests --bin entraide-bench -- "$@"
