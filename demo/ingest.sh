#!/usr/bin/env bash
# The ingest demo: a scanned page, a Chinese PDF and an e-mail with an attachment are
# preserved and their text extracted (OCR, PDF, e-mail, attachment as a child document),
# then found by searches in English and in Chinese (simplified finds traditional).
# Runs on the demo archive of demo/run.sh, or makes its own.
set -euo pipefail
cd "$(dirname "$0")/.."
erfurt=(.venv/bin/erfurt)
archive=${DEMO_ARCHIVE:-demo-archive}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

if [ ! -f "$archive/erfurt.toml" ]; then
  "${erfurt[@]}" init --archive "$archive" --origin demo.erfurt.local/archive --who demo
fi

step "I-1. Make the inputs: a scan, a Chinese PDF, an e-mail with a PDF attached"
.venv/bin/python demo/make_ingest_samples.py "$work/inbox"
ls "$work/inbox"

step "I-2. Add them: each preserved and logged, then its text extracted in worker processes"
"${erfurt[@]}" add --archive "$archive" --collection inbox --who demo "$work/inbox"

step "I-3. Search in English: a word in the scan (OCR), a phrase, a prefix"
"${erfurt[@]}" search --archive "$archive" shredded
"${erfurt[@]}" search --archive "$archive" '"personnel files"' --collection inbox
"${erfurt[@]}" search --archive "$archive" 'seal*' --collection inbox

step "I-4. Search in Chinese: simplified 档案馆 finds the traditional 檔案館 inside a sentence"
"${erfurt[@]}" search --archive "$archive" 档案馆调查
"${erfurt[@]}" search --archive "$archive" 封条 --collection inbox

step "I-5. The e-mail: its text, and its attachment as a child document"
mail=$("${erfurt[@]}" search --archive "$archive" --json --collection inbox 拘留报告 \
  | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["document"])')
"${erfurt[@]}" show --archive "$archive" "$mail" | sed -n '/^text:/,$p'

step "I-6. Nothing failed (or, if something did, why)"
"${erfurt[@]}" failures --archive "$archive"

printf '\nIngest demo complete.\n'
