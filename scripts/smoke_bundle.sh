#!/usr/bin/env bash
# Smoke-test the built bundle (scripts/build_bundle.sh) headless, away from the source tree:
# classify, mask and draft on the command line, then `smoke-gui` (the real window on a
# throw-away database: sign in as the demo agent, open a ticket, wait for its AI draft, quit).
# Usage: scripts/smoke_bundle.sh [BUNDLE_DIR]     (default dist/aftersales)
#        RUNS=3 scripts/smoke_bundle.sh           (times classify and smoke-gui 3 times: median)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bundle="$(cd "${1:-$root/dist/aftersales}" && pwd)"
exe="$bundle/aftersales"
[ -x "$exe" ] || { echo "smoke_bundle: $exe not found: run scripts/build_bundle.sh" >&2; exit 1; }
runs="${RUNS:-1}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"  # nothing may come from the checkout
export QT_QPA_PLATFORM=offscreen AFTERSALES_DATA_DIR="$work/data" OMP_NUM_THREADS=1
unset AFTERSALES_DB AFTERSALES_TAGGER_MODEL AFTERSALES_DRAFTER_MODEL AFTERSALES_RANKER_MODEL AFTERSALES_KB_DIR

fail() { echo "smoke_bundle: FAIL: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

leaked="$(find "$bundle" \( -iname '*torch*' -o -iname 'transformers' -o -path '*desktop_app/training*' \) -print -quit)"
[ -z "$leaked" ] || fail "training-only code in the bundle: $leaked"

printf '%s\n' '{"id": 1, "text": "快递一个星期还没到，我的电话13812345678"}' '{"id": 2, "text": "衣服尺码不对想换货"}' > in.jsonl

times=()
for _ in $(seq "$runs"); do
  start=$(now_ms)
  "$exe" classify --jsonl in.jsonl --threads 1 > classified.jsonl 2> classify.err || { cat classify.err >&2; fail "classify"; }
  times+=($(($(now_ms) - start)))
done
[ "$(grep -c '"intent"' classified.jsonl)" = 2 ] || fail "classify wrote: $(cat classified.jsonl)"
echo "smoke_bundle: ok classify ($(printf '%s\n' "${times[@]}" | median) ms, median of $runs)"

"$exe" mask --jsonl in.jsonl > masked.jsonl 2> mask.err || { cat mask.err >&2; fail "mask"; }
grep -q '138\*\*\*\*5678' masked.jsonl || fail "mask wrote: $(cat masked.jsonl)"
echo "smoke_bundle: ok mask"

"$exe" draft --text "快递一个星期还没到，什么时候发货" --threads 1 > drafted.json 2> draft.err || { cat draft.err >&2; fail "draft"; }
grep -q '"draft": "[^"]' drafted.json || fail "draft wrote: $(cat drafted.json)"
echo "smoke_bundle: ok draft"

times=()
for _ in $(seq "$runs"); do
  start=$(now_ms)
  "$exe" smoke-gui > gui.out 2> gui.err || { cat gui.err >&2; fail "smoke-gui"; }
  times+=($(($(now_ms) - start)))
done
grep 'smoke-gui: ok' gui.err
echo "smoke_bundle: ok smoke-gui ($(printf '%s\n' "${times[@]}" | median) ms, median of $runs)"
echo "smoke_bundle: passed; bundle $(du -sh "$bundle" | cut -f1) on disk"
