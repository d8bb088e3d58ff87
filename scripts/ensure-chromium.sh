#!/usr/bin/env bash
# The browser tests (docs site, mllm-runtime, sam-encoder) drive a real Chromium. Use $CHROMIUM if
# set, else Debian's /usr/bin/chromium, installing the package when it is missing.
set -euo pipefail
if [ -n "${CHROMIUM:-}" ]; then
  [ -x "$CHROMIUM" ] || { echo "CHROMIUM=$CHROMIUM is not an executable" >&2; exit 1; }
  exit 0
fi
[ -x /usr/bin/chromium ] && exit 0
if ! command -v apt-get > /dev/null; then
  echo "The browser tests need Chromium: install it, or set CHROMIUM to a Chromium or Chrome binary." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing Debian's chromium for the browser tests…" >&2
$SUDO apt-get install -y chromium > /dev/null || { $SUDO apt-get update > /dev/null && $SUDO apt-get install -y chromium > /dev/null; }
