#!/usr/bin/env bash
# Tries entraide: a throwaway local Synapse, the bot, a coordinator, two volunteers and
# a family member. `--story` plays a whole request with scripted people and exits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-synapse.sh
exec cargo run --quiet --locked -p entraide-tests --bin entraide-demo -- "$@"
