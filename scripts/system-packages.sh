#!/usr/bin/env bash
# Install the Debian packages Erfurt's tests and demo need, when run as root.
# When not root and a package is missing, stop and say what to install.
set -euo pipefail
packages=(
  libicu-dev  # PyICU (built from source) for nomenklatura in the bench extra
  pkg-config
  # OCR (erfurt.ingest): tesseract with English, simplified and traditional Chinese, and
  # orientation/script detection
  tesseract-ocr
  libtesseract5
  tesseract-ocr-eng
  tesseract-ocr-chi-sim
  tesseract-ocr-chi-tra
  tesseract-ocr-osd
  # a CJK font, so tests and the demo can render their own Chinese scans and PDFs
  fonts-wqy-zenhei
  # Ming/Song and Kai faces (simplified and traditional), for the OCR evaluation pages
  fonts-arphic-uming
  fonts-arphic-ukai
  # the browser tests of the web interface drive Debian's Chromium through Playwright
  chromium
  chromium-driver
  # PostgreSQL 15 for the views' PostgreSQL backend: the tests start their own throwaway
  # cluster (tests/pg_cluster.py), as the `postgres` system user this package creates
  postgresql-15
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
