#!/usr/bin/env bash
# Build the standalone bundle dist/aftersales/ (PyInstaller, one folder) from scripts/bundle/aftersales.spec.
# Usage: scripts/build_bundle.sh        (needs .venv from scripts/bootstrap.sh; takes a few minutes)
# Installs PyInstaller into .venv when it is missing. Then: scripts/smoke_bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."

python=.venv/bin/python
[ -x "$python" ] || { echo "build_bundle: no .venv: run scripts/bootstrap.sh first" >&2; exit 1; }
if ! "$python" -c "import PyInstaller" 2>/dev/null; then
  echo "build_bundle: installing PyInstaller into .venv" >&2
  "$python" -m pip install -q --disable-pip-version-check "pyinstaller>=6.22,<6.23"
fi
[ -f resources/i18n/aftersales_en.qm ] || { echo "build_bundle: resources/i18n/aftersales_en.qm missing" >&2; exit 1; }

start=$(date +%s)
nice -n "${NICE:-10}" "$python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/bundle scripts/bundle/aftersales.spec
echo "build_bundle: dist/aftersales/ built in $(($(date +%s) - start)) s, $(du -sh dist/aftersales | cut -f1) on disk" >&2
