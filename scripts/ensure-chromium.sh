#!/usr/bin/env bash
# The report's browser test needs Debian's chromium. Installed here when missing and we may
# (root with apt-get, as on CI); otherwise the test says it is skipped, and why.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the report's browser test..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
  echo "note: chromium is not installed (apt-get install chromium); the report's browser test will be skipped."
fi
