#!/usr/bin/env bash
# Runs every check and test: formatting, clippy, the doc comments' links, unit tests,
# and the end-to-end scenarios against a real Synapse (installed from PyPI into
# .synapse-venv if needed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-synapse.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# A doc comment that names a moved or renamed item says so here, not to a newcomer.
# Private items are documented, so a link to one is fine.
RUSTDOCFLAGS="-D rustdoc::broken_intra_doc_links -A rustdoc::private_intra_doc_links" \
    cargo doc --workspace --no-deps --document-private-items --locked
cargo test --workspace --locked
