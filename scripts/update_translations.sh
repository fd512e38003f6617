#!/usr/bin/env bash
# Re-extract the UI strings (source language Chinese) into the English .ts file,
# then compile it to the .qm that desktop_app/ui/app.py loads with --lang en.
# Usage: scripts/update_translations.sh   (from any directory)
# Override the tools with LUPDATE=/path/to/lupdate LRELEASE=/path/to/lrelease.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LUPDATE="${LUPDATE:-.venv/bin/pyside6-lupdate}"
LRELEASE="${LRELEASE:-.venv/bin/pyside6-lrelease}"
TS="resources/i18n/aftersales_en.ts"
QM="resources/i18n/aftersales_en.qm"

mkdir -p "$(dirname "$TS")"

"$LUPDATE" desktop_app/ui/*.py desktop_app/ui/*/*.py \
    -ts "$TS" \
    -source-language zh_CN \
    -target-language en_US \
    -no-obsolete

"$LRELEASE" "$TS" -qm "$QM"
