#!/usr/bin/env bash
# The declarations registry and outreach log demo: declare (one with a private receipt),
# import an old registry, show the tally and chart, prove the receipt offline, audit the
# tally from the log, catch a tampered view, log calls without storing numbers, publish.
# Uses $DEMO_ARCHIVE (created if missing); charts go to $DEMO_CHARTS.
set -euo pipefail
# shellcheck source=demo/common.sh
source "$(dirname "$0")/common.sh"
charts=${DEMO_CHARTS:-demo-charts}
# The registry secret lives outside the archive folder (here: a temporary config folder).
export ERFURT_SECRET_FILE="$work/config/erfurt/registry-secret"

ensure_archive demo.erfurt.local/registry

step "D1. Move an existing registry in from CSV: the bad row is reported, the rest goes in"
cat > "$work/old-registry.csv" <<'CSV'
number,time,alias,organisations,place,statement
1,2026-11-20 08:15:00,Mountain Stream,Party;Youth League,Harbin,
2,2026-11-20 09:40:12,North Star,Komsomol,Harbin,
3,2026-11-21 10:02:55,Plum Blossom,Young Pioneers,Kunming,退出少先队
4,2026-11-22 18:30:00,Quiet Lake,Party,,
5,2026-11-22 19:45:10,Bamboo,Party;Young Pioneers,Xi'an,
CSV
expect_failure "the bad row (4 good rows go in)" \
  "${erfurt[@]}" declarations import --archive "$archive" --quiet "$work/old-registry.csv"

step "D2. Three new declarations; the first with an identity: only a commitment and a keyed hash are logged"
"${erfurt[@]}" declare --archive "$archive" --alias "Spring Rain" --organisation Party \
  --organisation "Youth League" --place Chengdu --statement "I quit the Party and the Youth League." \
  --identity "Chen Mingyu; 1979-04-02" --receipt "$work/receipt.json"
"${erfurt[@]}" declare --archive "$archive" --alias "青松" --organisation "Young Pioneers" \
  --place 沈阳 --statement "我声明退出少先队。" --channel phone --volunteer "Volunteer 7"
"${erfurt[@]}" declare --archive "$archive" --alias "Autumn Leaf" --organisation Party --channel in-person
echo "receipt for the declarant (mode $(stat -c %a "$work/receipt.json")): $(wc -c < "$work/receipt.json") bytes"

step "D3. The tally: the number of the last declaration is the total"
"${erfurt[@]}" declarations tally --archive "$archive"
"${erfurt[@]}" declarations tally --archive "$archive" --by day
"${erfurt[@]}" declarations tally --archive "$archive" --by place
"${erfurt[@]}" declarations tally --archive "$archive" --by organisation

step "D4. The chart: declarations per day and the cumulative total (with its numbers and alt text)"
mkdir -p "$charts"
"${erfurt[@]}" declarations chart --archive "$archive" --out "$charts/declarations.svg"
"${erfurt[@]}" declarations chart --archive "$archive" --out "$charts/declarations.png"

step "D5. The declarant proves, offline, that they declared at that time (key pinned)"
vkey=$("${erfurt[@]}" log vkey --archive "$archive")
"${erfurt[@]}" declarations prove "$work/receipt.json" --vkey "$vkey"
sed 's/1979-04-02/1979-04-03/' "$work/receipt.json" > "$work/altered.json"
expect_failure "the altered receipt (birth date changed)" \
  "${erfurt[@]}" declarations prove "$work/altered.json" --vkey "$vkey"

step "D6. Audit: recount the tally from the log alone and compare it with the view"
"${erfurt[@]}" declarations audit --archive "$archive"
cp -r "$archive" "$work/tampered"
.venv/bin/python - "$work/tampered/views/views.sqlite" <<'PY'
import sqlite3, sys
with sqlite3.connect(sys.argv[1]) as db:
    db.execute("UPDATE declarations_count SET declarations = declarations + 100 WHERE grouping = 'total'")
PY
expect_failure "the tampered tally in a copy of the archive" \
  "${erfurt[@]}" declarations audit --archive "$work/tampered"

step "D7. Outreach: calls logged with the number as a keyed hash only"
"${erfurt[@]}" outreach log --archive "$archive" --number "+86 139 1234 5678" --outcome hung-up --volunteer "Volunteer 7"
"${erfurt[@]}" outreach log --archive "$archive" --number "0086 139-1234-5678" --outcome listened --volunteer "Volunteer 7"
"${erfurt[@]}" outreach log --archive "$archive" --number "+86 186 0000 1111" --outcome thanked --volunteer "Volunteer 3"
"${erfurt[@]}" outreach check --archive "$archive" "139 1234 5678" --region CN
"${erfurt[@]}" outreach stats --archive "$archive" --by week
"${erfurt[@]}" outreach chart --archive "$archive" --out "$charts/outreach.svg"
if grep -rqa -e 13912345678 -e "139 1234 5678" "$archive"; then
  echo "a phone number reached the archive folder: this is a bug" >&2; exit 1
fi
echo "no phone number and no identity anywhere under $archive/"

step "D8. Publish the public listing and tally (no commitment, keyed hash or volunteer)"
"${erfurt[@]}" declarations publish --archive "$archive" --out "$work/public"
head -n 3 "$work/public/declarations.jsonl"

step "D9. Anyone audits the published tally from a copy of the published log, with no archive"
cp -r "$archive/log" "$work/mirror"
"${erfurt[@]}" declarations audit --published "$work/mirror" --vkey "$vkey" --tally "$work/public/tally.json"

printf '\nDeclarations demo complete: charts in %s/\n' "$charts"
