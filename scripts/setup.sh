#!/usr/bin/env bash
# Shared set-up for a fresh Debian machine with Python 3.11 (run as root): a virtualenv in
# .venv with the project and its test tools. Sourced by build.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
