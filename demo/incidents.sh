#!/usr/bin/env bash
# The incidents demo: record incidents from the demo documents (every value cited to its
# passage), publish a figure, audit it from the published log alone, show the passages.
# Uses $DEMO_ARCHIVE, which must already hold the demo documents (demo/run.sh adds them).
set -euo pipefail
# shellcheck source=demo/common.sh
source "$(dirname "$0")/common.sh"

cite() { "${erfurt[@]}" incidents cite --archive "$archive" --limit 1 "$1"; }

step "I1. Find the passages to cite: RECORD:START-END in an extracted text"
memo_date=$(cite "4 December 1989")
notice_date=$(cite "1989年12月4日")
echo "the memo's date: $memo_date; the committee notice's date: $notice_date"

step "I2. Record the destruction of files: two documents cite it, so it is corroborated"
"${erfurt[@]}" incidents add --archive "$archive" --who demo \
  --kind "destruction of records@$(cite 'are to be destroyed before Friday')" \
  --date "1989-12-04@$memo_date|$notice_date" \
  --place "District office@$(cite 'DISTRICT OFFICE')|$(cite '区办事处')" \
  --harmed "0@note:files destroyed; no person harmed is reported" \
  --responsible "Department XX@$(cite 'Department XX')"
"${erfurt[@]}" incidents add --archive "$archive" --who demo \
  --kind "order issued@$(cite 'No list of destroyed files is to be kept')" \
  --date "1989-12-04@$memo_date" --place "District office@$(cite 'DISTRICT OFFICE')" \
  --harmed "0@note:an order" --responsible "Deputy Head@$(cite 'Signed: Deputy Head')"
"${erfurt[@]}" incidents list --archive "$archive"

step "I3. Define and publish a figure: it is logged with the log size it counts"
"${erfurt[@]}" figures define --archive "$archive" --who demo destroyed-1989 \
  --query 'count=incidents kind="destruction of records" since=1989 until=1989'
"${erfurt[@]}" figures publish --archive "$archive" --who demo destroyed-1989

step "I4. Anyone holding the published log recomputes it: copy log/ and audit the copy"
cp -r "$archive/log" "$work/published-log"
vkey=$("${erfurt[@]}" log vkey --archive "$archive")
"${erfurt[@]}" figures audit --published "$work/published-log" --vkey "$vkey"

step "I5. From the figure to the pages: the incidents behind it and each cited passage"
"${erfurt[@]}" figures show --archive "$archive" destroyed-1989
