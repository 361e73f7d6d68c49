#!/usr/bin/env bash
# Installs a pinned Synapse from the Python package index into a virtual environment
# inside the checkout (ignored by git). Idempotent: does nothing when it is already there.
set -euo pipefail

SYNAPSE_VERSION="1.163.2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${ENTRAIDE_SYNAPSE_VENV:-$root/.synapse-venv}"
marker="$venv/.entraide-synapse-$SYNAPSE_VERSION"

if [ -f "$marker" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

python="${PYTHON:-python3}"
echo "installing Synapse $SYNAPSE_VERSION into $venv" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/pip" install --quiet --disable-pip-version-check "matrix-synapse==$SYNAPSE_VERSION"
"$venv/bin/python" -c 'import synapse; print("synapse", synapse.__version__)' >&2
touch "$marker"
