#!/usr/bin/env bash
# The entities demo: a press release, an appointment notice and committee minutes (English,
# simplified and traditional Chinese) name one (fictional) official; a small list names him
# in pinyin only. Erfurt finds him in all three scripts, states his post with its dates,
# each fact cited to its passage; a reviewer accepts them; the dossier is exported as
# FollowTheMoney entities, which the followthemoney library validates.
# Runs on the demo archive of demo/run.sh, or makes its own.
set -euo pipefail
# shellcheck source=demo/common.sh
source "$(dirname "$0")/common.sh"

ensure_archive demo.erfurt.local/archive

step "E-1. Add three documents naming one official, and a list that names him in pinyin only"
"${erfurt[@]}" add --archive "$archive" --collection officials --who demo demo/entities/documents
"${erfurt[@]}" lists import ftm demo/entities/officials.ftm.json --archive "$archive" --who demo

step "E-2. Extract entities from every text: each run is a record in the log"
"${erfurt[@]}" entities extract --archive "$archive" --quiet

step "E-3. The persons found, most mentioned first"
"${erfurt[@]}" entities list --archive "$archive" --type person

step "E-4. His dossier: 王建国, 王建國 and Wang Jianguo are one list entry; each fact cites its passage"
"${erfurt[@]}" entities show demo-wang --archive "$archive"

step "E-5. A reviewer accepts every mention and position (each decision is a logged record)"
"${erfurt[@]}" entities show demo-wang --archive "$archive" --json \
  | .venv/bin/python -c 'import json, sys
d = json.load(sys.stdin)
for p in d["mentions"] + [q["passage"] for q in d["positions"]]:
    print(p["key"])' > "$work/keys"
while IFS= read -r key; do
  "${erfurt[@]}" entities review accept "$key" --reason "checked against the scans" \
    --archive "$archive" --who reviewer
done < "$work/keys"

step "E-6. Export the dossier as FollowTheMoney and validate it with the followthemoney library"
"${erfurt[@]}" dossier export demo-wang --out "$work/wang.ftm.json" --archive "$archive"
.venv/bin/python - "$work/wang.ftm.json" <<'PY'
import json, sys
from followthemoney import model
for line in open(sys.argv[1], encoding="utf-8"):
    proxy = model.get_proxy(json.loads(line))
    assert proxy.schema.validate(proxy.to_dict()) is None, line
    print(f"valid FtM {proxy.schema.name}: {proxy.caption}")
PY

printf '\nEntities demo complete.\n'
