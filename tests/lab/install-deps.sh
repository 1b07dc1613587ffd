#!/bin/bash
# Installs the Debian packages the lab and the tests use, on a fresh Debian 12 machine (run as root). Packages
# already present are left alone, so a second run costs one dpkg query.
set -euo pipefail

packages=(qemu-system-x86 qemu-utils busybox-static cpio xz-utils zstd gcc libc6-dev socat
          openvswitch-switch nftables iproute2 ethtool util-linux openssh-server openssh-client dbus systemd procps
          tcpdump)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
    echo "install-deps.sh: installing ${missing[*]}" >&2
    timeout 900 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 1800 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "install-deps.sh: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
