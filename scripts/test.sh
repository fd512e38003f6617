#!/usr/bin/env bash
# Set up (once) and run the whole test suite, headless. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test,train
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
