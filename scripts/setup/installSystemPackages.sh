#!/usr/bin/env bash
# Debian packages the test suite needs beyond npm: the verifier page's browser tests drive Debian's
# Chromium (never a browser downloaded by a test tool), ffmpeg turns a printed card into a fake
# camera stream, and WenQuanYi and DejaVu give the Chinese and Arabic pages their glyphs.
# Does nothing when they are all installed; otherwise installs them with apt-get (sudo when not root).
set -euo pipefail

PACKAGES=(chromium ffmpeg fonts-wqy-microhei fonts-dejavu-core)

if dpkg -s "${PACKAGES[@]}" > /dev/null 2>&1; then
  echo "system packages present: ${PACKAGES[*]}"
  exit 0
fi
if ! command -v apt-get > /dev/null; then
  echo "error: install ${PACKAGES[*]} with your system's package manager (no apt-get here)" >&2
  exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
"${SUDO[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
