#!/usr/bin/env bash
# Debian packages the system tiers need. Run as root; idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
