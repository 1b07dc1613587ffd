#!/bin/bash
# The lab demo: a real Debian kernel booted under QEMU with file-backed RAM, its profile built from its Debian
# package, and AL-SAFE reading the guest's processes and sockets from outside it.
#   tests/lab/demo.sh [--la57] [--mem MiB] [--keep]
#     --la57   5-level paging in the guest        --mem   guest RAM (default 512)
#     --keep   leave the guest running afterwards (stop it with tests/lab/guest.sh stop demo)
set -euo pipefail
cd "$(dirname "$0")/../.."

guest_args=()
keep=no
while [[ $# -gt 0 ]]; do
    case "$1" in
        --la57) guest_args+=(--la57); shift ;;
        --mem) guest_args+=(--mem "${2:?--mem needs MiB}"); shift 2 ;;
        --keep) keep=yes; shift ;;
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

step "booting the guest (QEMU, TCG, KASLR on)"
[[ "$keep" == yes ]] || trap 'tests/lab/guest.sh stop demo' EXIT
tests/lab/guest.sh start demo "${guest_args[@]}"
eval "$(tests/lab/guest.sh paths demo)"
for _ in $(seq 240); do
    grep -q '@@ALSAFE-TRUTH-END' "$serial" 2>/dev/null && break
    sleep 0.5
done
grep -q '@@ALSAFE-TRUTH-END' "$serial" || { echo "demo.sh: the guest did not come up; tail of $serial:" >&2; tail -n 30 "$serial" >&2; exit 1; }

step "what AL-SAFE sees in the guest, read from outside it (guest paused with QMP stop/cont for the walk)"
"$alsafe" introspect --memory "$ram" --qmp "$qmp" --profiles "$build/profiles"

step "the policy: the lab whitelist judged against what the guest is doing, and the rules that follow"
"$alsafe" whitelist check tests/lab/whitelist.d
"$alsafe" introspect --memory "$ram" --qmp "$qmp" --profiles "$build/profiles" --format json > "$build/lab1.json"
"$alsafe" plan --whitelist tests/lab/whitelist.d --tenant lab --vm lab1 --mac 52:54:00:a1:5a:10 \
    --ip 192.0.2.10,fd00:a15a::10 --connections "$build/lab1.json"

step "the cost on this live VM: 200 introspections"
"$alsafe" introspect --memory "$ram" --qmp "$qmp" --profiles "$build/profiles" --repeat 200 | tail -n 1
"$alsafe" introspect --memory "$ram" --profiles "$build/profiles" --repeat 200 | tail -n 1
