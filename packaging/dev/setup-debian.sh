#!/usr/bin/env bash
# Installs the Debian packages listed in packaging/apt-packages.txt that are missing.
# As root it runs apt-get; otherwise it prints the exact line to run and fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
mapfile -t wanted < <(grep -Ev '^\s*(#|$)' "$here/packaging/apt-packages.txt")
missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "These Debian packages are missing: ${missing[*]}" >&2
    echo "Run as root, then run make again:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
