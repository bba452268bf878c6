#!/usr/bin/env bash
# Set up, validate events/ and build the site into site/ (the main job).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
.venv/bin/timeline validate
.venv/bin/mkdocs build --strict
echo "Site built in $(pwd)/site"
