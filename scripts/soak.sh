#!/usr/bin/env bash
# A longer crash loop: runs bot/tests/crash_loop.rs (the `entraide` binary killed with
# SIGKILL at random moments while requests flow) with many kill/restart cycles.
#
#   scripts/soak.sh [cycles]     # default 200 (or $ENTRAIDE_CRASH_CYCLES); about 2.5 s each
#
# The seed is printed at the start; ENTRAIDE_CRASH_SEED=<seed> replays a run's choices.
# The bot's whole log is kept in $TMPDIR/entraide-crash-<seed>.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cycles="${1:-${ENTRAIDE_CRASH_CYCLES:-200}}"
bash scripts/install-synapse.sh
ENTRAIDE_CRASH_CYCLES="$cycles" exec cargo test -p entraide --locked --test crash_loop \
    -- --nocapture
