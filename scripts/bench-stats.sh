#!/usr/bin/env bash
# Measures the figures for the commune on a large store, in one run, and prints a table
# (see README, "Benchmark"): `!stats` for a month and a year, `!rapport`'s files, and the
# offline `entraide rapport`, on a store filled with 100,000 requests over three years in
# five communes. No homeserver needed.
#
# Usage: scripts/bench-stats.sh [--release] [benchmark arguments, e.g. --requests N,
# --store DIR to keep the filled store and reuse it]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

profile=()
if [[ "${1:-}" == --release ]]; then
    profile=(--release)
    shift
fi

RUST_LOG="${RUST_LOG:-off}" exec cargo run --quiet --locked "${profile[@]}" \
    -p entraide-tests --bin entraide-stats-bench -- "$@"
