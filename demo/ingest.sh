#!/usr/bin/env bash
# The ingest demo: a scanned page, a Chinese PDF and an e-mail with an attachment are
# preserved and their text extracted (OCR, PDF, e-mail, attachment as a child document),
# then found by searches in English and in Chinese (simplified finds traditional).
# Runs on the demo archive of demo/run.sh, or makes its own.
set -euo pipefail
# shellcheck source=demo/common.sh
source "$(dirname "$0")/common.sh"

ensure_archive demo.erfurt.local/archive

step "I-1. Make the inputs: two scans (one a degraded Chinese photocopy), a Chinese PDF, an e-mail"
.venv/bin/python demo/make_ingest_samples.py "$work/samples"
ls "$work/samples"

step "I-2. Add them: each preserved and logged, then its text extracted in worker processes"
"${erfurt[@]}" add --archive "$archive" --collection inbox --who demo "$work/samples"

step "I-3. Search in English: a word in the scan (OCR), a phrase, a prefix"
"${erfurt[@]}" search --archive "$archive" shredded
"${erfurt[@]}" search --archive "$archive" '"personnel files"' --collection inbox
"${erfurt[@]}" search --archive "$archive" 'seal*' --collection inbox

step "I-4. Search in Chinese: simplified 档案馆 finds the traditional 檔案館 inside a sentence"
"${erfurt[@]}" search --archive "$archive" 档案馆调查
"${erfurt[@]}" search --archive "$archive" 封条 --collection inbox

step "I-4b. The degraded Chinese scan: its text as OCR read it, engines and confidence per page"
scan=$("${erfurt[@]}" search --archive "$archive" --json --collection inbox 人事档案须 \
  | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["document"])')
"${erfurt[@]}" show --archive "$archive" "$scan" | sed -n '/^text:/,$p'
"${erfurt[@]}" failures --archive "$archive" --low-confidence

step "I-5. The e-mail: its text, and its attachment as a child document"
mail=$("${erfurt[@]}" search --archive "$archive" --json --collection inbox 拘留报告 \
  | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["document"])')
"${erfurt[@]}" show --archive "$archive" "$mail" | sed -n '/^text:/,$p'

step "I-6. Nothing failed (or, if something did, why)"
"${erfurt[@]}" failures --archive "$archive"

printf '\nIngest demo complete.\n'
