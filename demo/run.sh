#!/usr/bin/env bash
# The Erfurt demo: build a small archive from the documents in demo/documents/,
# export one evidence package and verify it offline, saying what each step proved;
# then ingest and search (demo/ingest.sh) and the declarations registry
# (demo/declarations.sh), incidents with a published figure (demo/incidents.sh) and the
# dossier of one official (demo/entities.sh) on the same archive.
set -euo pipefail
# shellcheck source=demo/common.sh
source "$(dirname "$0")/common.sh"

rm -rf "$archive"
step "1. Create an archive: a signing key (owner-only) and an empty C2SP log"
"${erfurt[@]}" init --archive "$archive" --origin demo.erfurt.local/archive --who demo
"${erfurt[@]}" log checkpoint --archive "$archive" > "$work/first-checkpoint"

step "2. Preserve the demo documents: each original kept by SHA-256, each addition logged"
"${erfurt[@]}" add --archive "$archive" --collection demo --who demo demo/documents

step "3. Add them again: nothing is preserved twice, nothing new is logged"
"${erfurt[@]}" add --archive "$archive" --collection demo --who demo demo/documents

step "3b. The memo under another name: a new sighting is logged, the bytes are not stored twice"
index=$("${erfurt[@]}" add --archive "$archive" --collection demo --who demo --json \
  demo/documents/district-office-memo.txt | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["record"])')
step "4. Record $index and its custody chain"
"${erfurt[@]}" show --archive "$archive" "$index"

step "5. Export an evidence package for record $index (BagIt: original, record, receipt, checkpoint, key)"
"${erfurt[@]}" export --archive "$archive" "$index" --out "$work/package"
find "$work/package" -type f | sed "s|$work/||" | sort

step "6. Verify the package offline, pinning the verifier key"
vkey=$("${erfurt[@]}" log vkey --archive "$archive")
echo "verifier key: $vkey"
"${erfurt[@]}" verify "$work/package" --vkey "$vkey"

step "7. A forged copy fails: change one byte of the original in a copy of the package"
cp -r "$work/package" "$work/forged"
original=$(find "$work/forged/data/original" -type f | head -n 1)
printf 'X' | dd of="$original" bs=1 seek=10 conv=notrunc status=none
expect_failure "the forged package" "${erfurt[@]}" verify "$work/forged" --vkey "$vkey"

step "8. The log only grows: prove today's log extends the checkpoint kept in step 1"
"${erfurt[@]}" log consistency --archive "$archive" "$work/first-checkpoint" > /dev/null

step "9. Recompute everything on disk: tiles, entries, checkpoint signature, blobs"
"${erfurt[@]}" log check --archive "$archive"

step "10. Ingest and search: a scan, a Chinese PDF, an e-mail with an attachment (demo/ingest.sh)"
DEMO_ARCHIVE="$archive" bash demo/ingest.sh

step "11. The declarations registry and outreach log (demo/declarations.sh)"
DEMO_ARCHIVE="$archive" bash demo/declarations.sh

step "12. Incidents and figures traced to their passages (demo/incidents.sh)"
DEMO_ARCHIVE="$archive" bash demo/incidents.sh

step "13. Entities: one official in three scripts, his dossier cited to passages, FtM (demo/entities.sh)"
DEMO_ARCHIVE="$archive" bash demo/entities.sh

printf '\nDemo complete: the archive is in %s/, and its log in %s/log/ can be published as is.\n' \
  "$archive" "$archive"
