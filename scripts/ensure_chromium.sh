#!/usr/bin/env bash
# The web page's browser tests drive Debian's chromium through Playwright (Playwright's own
# browser download is not reachable on these machines): install it with apt when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing Debian's chromium for the browser tests (apt-get)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
