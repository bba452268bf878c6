#!/usr/bin/env bash
# Set up (Python packages and Debian's Chromium for the browser tests) and run every test:
# ruff, mypy, then pytest (unit, site builds and real-browser tests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi  # root here; a GitHub runner needs sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq chromium >/dev/null
fi
bash scripts/setup.sh
.venv/bin/ruff check generator tests benchmarks
.venv/bin/ruff format --check generator
.venv/bin/mypy
.venv/bin/pytest -n 2 "$@"
