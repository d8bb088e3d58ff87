#!/usr/bin/env bash
# The browser tests (docs site, mllm-runtime, sam-encoder) drive a real Chromium: $CHROMIUM, else one
# playwright-core installed, else the system's Chromium or Chrome (scripts/chromium.cjs says where it
# looks). Only when there is none and apt-get exists (Debian, Ubuntu, CI) is Debian's package installed.
set -euo pipefail
cd "$(dirname "$0")/.."
rc=0
found=$(node scripts/chromium.cjs) || rc=$?
if [ "$rc" -eq 0 ]; then
  echo "Browser tests use $found" >&2
  exit 0
fi
[ "$rc" -eq 1 ] || exit "$rc"
if ! command -v apt-get > /dev/null; then
  echo "The browser tests need Chromium: npx --no playwright-core install chromium, or set CHROMIUM to a Chromium or Chrome binary." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing Debian's chromium for the browser tests…" >&2
$SUDO apt-get install -y chromium > /dev/null || { $SUDO apt-get update > /dev/null && $SUDO apt-get install -y chromium > /dev/null; }
