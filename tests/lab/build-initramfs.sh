#!/bin/bash
# Builds the lab guest's initramfs (busybox-static, the alsafe-guest helper, e1000.ko, guest/init) into
# tests/lab/build/initramfs.cpio.gz and prints its path. Rebuilds only when an input changed.
# Needs tests/lab/fetch-kernel.sh to have run (for the module).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
release="${ALSAFE_LAB_KERNEL:-6.1.0-56-amd64}"
cache="${ALSAFE_LAB_CACHE:-/var/cache/alsafe-lab}"
build="$here/build"
output="$build/initramfs.cpio.gz"
busybox=/bin/busybox
module="$cache/$release/modules/e1000.ko"
source="$here/guest/alsafe-guest.c"
init="$here/guest/init"

fail() { echo "build-initramfs.sh: $*" >&2; exit 1; }

[[ -f "$module" ]] || fail "no $module: run tests/lab/fetch-kernel.sh first"
[[ -x "$busybox" ]] || fail "no $busybox: apt-get install busybox-static"
if ldd "$busybox" >/dev/null 2>&1; then fail "$busybox is not static: apt-get install busybox-static"; fi
command -v gcc >/dev/null || fail "no gcc"
command -v cpio >/dev/null || fail "no cpio"

mkdir -p "$build"
exec 9>"$build/.lock"
flock -w 300 9 || fail "timed out waiting for another build ($build/.lock)"

inputs="$(sha256sum "$0" "$busybox" "$module" "$source" "$init" | sha256sum | cut -d' ' -f1)"
if [[ -f "$output" && -f "$build/.inputs" && "$(cat "$build/.inputs")" == "$inputs" ]]; then
    echo "$output"
    exit 0
fi

work="$(mktemp -d "$build/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"/{bin,usr/bin,opt/tenant/bin,lib/modules,proc,sys,dev,tmp,www}
gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/alsafe-guest" "$source" || fail "the helper does not compile"
# Two executables with the same comm ("worker") in different places: policies must tell them apart by path.
cp "$root/bin/alsafe-guest" "$root/usr/bin/worker"
cp "$root/bin/alsafe-guest" "$root/opt/tenant/bin/worker"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
    [[ -e "$root/bin/$applet" ]] || ln -s busybox "$root/bin/$applet"
done
cp "$module" "$root/lib/modules/e1000.ko"
install -m 0755 "$init" "$root/init"

(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) | gzip -9n >"$work/initramfs.cpio.gz"
mv "$work/initramfs.cpio.gz" "$output"
echo "$inputs" >"$build/.inputs"
echo "$output"
