#!/usr/bin/env bash
# `make serve`: serve the demo archive (built first if missing) at http://127.0.0.1:8000
# with a fresh password for its demo admin, printed here.
set -euo pipefail
archive=${DEMO_ARCHIVE:-demo-archive}
erfurt=.venv/bin/erfurt
[ -f "$archive/erfurt.toml" ] || bash demo/run.sh
password=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')
if "$erfurt" users list --archive "$archive" | cut -f1 | grep -qx admin; then
  ERFURT_PASSWORD="$password" "$erfurt" users passwd --archive "$archive" admin
else
  ERFURT_PASSWORD="$password" "$erfurt" users add --archive "$archive" admin --role admin
fi
echo "Demo admin login: user admin, password $password"
exec "$erfurt" serve --archive "$archive" --host 127.0.0.1 --port "${PORT:-8000}"
