#!/usr/bin/env bash
# Installs a pinned matrix-nio, with its end-to-end encryption (the `e2e` extra, built on
# vodozemac's wheels), from the Python package index into a virtual environment beside
# this script (ignored by git), for the benchmark's peer bot (`nio_relay.py`).
# Idempotent: does nothing when it is already there. Prints the venv's Python.
set -euo pipefail

NIO_VERSION="0.26.0"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${ENTRAIDE_NIO_VENV:-$here/.venv}"
marker="$venv/.entraide-nio-$NIO_VERSION"

if ! { [ -f "$marker" ] && [ -x "$venv/bin/python" ]; }; then
  python="${PYTHON:-python3}"
  echo "installing matrix-nio[e2e] $NIO_VERSION into $venv" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/pip" install --quiet --disable-pip-version-check "matrix-nio[e2e]==$NIO_VERSION"
  # Without its encryption the peer could not join the volunteers room's exchange: fail
  # here rather than in the middle of a run.
  "$venv/bin/python" -c 'import nio, nio.crypto; assert nio.crypto.ENCRYPTION_ENABLED, "no E2E"' >&2
  touch "$marker"
fi
echo "$venv/bin/python"
