#!/usr/bin/env bash
# Runs every check and test: formatting, clippy, unit tests, and the end-to-end
# scenarios against a real Synapse (installed from PyPI into .synapse-venv if needed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-synapse.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
