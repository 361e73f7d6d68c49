#!/usr/bin/env bash
# Measures entraide on a throwaway local Synapse, in one run, and prints tables (see
# README, "Benchmark"): latency against a raw client-to-client hop and against the
# simplest peer (a minimal matrix-nio relay bot, timed by the same clients), the
# throughput of a burst of requests, the bot's peak memory with a large store.
#
# Usage: scripts/bench.sh [--release] [benchmark arguments, e.g. --samples N, --only relay]
# A debug build by default; `--release` builds and measures an optimised one (the first
# release build of the dependencies takes a while).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

profile=()
if [[ "${1:-}" == --release ]]; then
    profile=(--release)
    shift
fi

bash scripts/install-synapse.sh
# The peer bot's Python: a pinned matrix-nio with end-to-end encryption, in its own venv.
nio_python="$(bash scripts/bench/install-nio.sh)"
RUST_LOG="${RUST_LOG:-off}" exec cargo run --quiet --locked "${profile[@]}" \
    -p entraide-tests --bin entraide-bench -- --nio-python "$nio_python" "$@"
