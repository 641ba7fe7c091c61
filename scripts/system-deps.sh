#!/usr/bin/env bash
# System packages partnerkit's tests and reports need (Debian/Ubuntu). Idempotent: does nothing
# when everything is already there (takes milliseconds), so `./dev test` can call it every time.
#   chromium          browser tests and the PDF reports (/usr/bin/chromium; no browser download)
#   postgresql        the PostgreSQL-backed store tests (scripts/test-services.sh starts it)
#   poppler-utils     pdftotext/pdffonts, to check generated PDF reports
#   fonts-dejavu-core a font with the glyphs reports and charts use
#   fonts-noto-cjk    Chinese/Japanese/Korean glyphs, so CJK client names print (not as boxes)
# As root it installs what is missing with apt-get (after `apt-get update`, so a fresh image
# finds the packages); otherwise it prints what to install and exits 0 (the tests that need a
# missing piece skip locally, and fail in CI).
set -uo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  missing+=(postgresql)
fi
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
compgen -G '/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc' >/dev/null || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "partnerkit: missing system packages: ${missing[*]}" >&2
  echo "partnerkit: install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  echo "partnerkit: (tests needing them will skip locally and fail in CI)" >&2
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "partnerkit: missing system packages: ${missing[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
fi

echo "partnerkit: installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Only what is missing, in one transaction; `apt-get update` first (a fresh image has no lists).
apt-get update -qq &&
  apt-get install -y -qq "${missing[@]}" >/dev/null
status=$?
if [ $status -ne 0 ]; then
  echo "partnerkit: apt-get failed (exit $status) installing: ${missing[*]}" >&2
  exit $status
fi
[ -x /usr/bin/chromium ] || { echo "partnerkit: /usr/bin/chromium still missing after install" >&2; exit 1; }
echo "partnerkit: system packages installed" >&2
