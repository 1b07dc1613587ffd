#!/bin/bash
# The lab demo: AL-SAFE's daemon protecting a real Debian guest on a node built in namespaces. It installs what the
# lab needs, fetches the guest kernel, builds the guest initramfs and alsafe, builds the kernel's profile from its
# Debian package, then runs the narrated demo (tests/AlSafe.Lab, verb demo): a QEMU guest on a tap of a real Open
# vSwitch, an nftables edge behind sshd, an outside network and a neighbour; `alsafe run` started against them; each
# step printed with what the daemon sees and decides, and PASS or FAIL. Everything is torn down at the end, also on
# Ctrl-C; the exit code is 0 only when every step passed.
#   tests/lab/demo.sh [--la57] [--mem MiB]
#     --la57   5-level paging in the guest        --mem   guest RAM (default 512)
set -euo pipefail
cd "$(dirname "$0")/../.."

demo_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --la57) demo_args+=(--la57); shift ;;
        --mem) demo_args+=(--mem "${2:?--mem needs MiB}"); shift 2 ;;
        *) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

release="${ALSAFE_LAB_KERNEL:-6.1.0-56-amd64}"
cache="${ALSAFE_LAB_CACHE:-/var/cache/alsafe-lab}"
build="tests/lab/build"

step() { printf '\n== %s\n' "$*"; }

step "installing what the lab needs, fetching linux-image-$release, building the guest initramfs"
tests/lab/install-deps.sh
tests/lab/fetch-kernel.sh
tests/lab/build-initramfs.sh

step "building alsafe"
dotnet publish AlSafe.Daemon/AlSafe.Daemon.csproj -c Release -o "$build/alsafe" --nologo -v quiet
alsafe="$build/alsafe/alsafe"

step "building the kernel profile from the Debian package (BTF + kallsyms)"
mkdir -p "$build/profiles"
deb="$(find "$cache" -maxdepth 1 -name "linux-image-${release}_*_amd64.deb" | sort | tail -n 1)"
"$alsafe" profile build "$deb" -o "$build/profiles/$release.json"

step "building the lab console (tests/AlSafe.Lab)"
dotnet build tests/AlSafe.Lab -c Release --nologo -v quiet

step "the demo: the daemon on a node lab, step by step"
exec dotnet run --project tests/AlSafe.Lab -c Release --no-build -- demo "${demo_args[@]}"
