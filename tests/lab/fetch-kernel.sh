#!/bin/bash
# Downloads the pinned Debian kernel package (apt-get download: no install) into the lab cache and extracts what the lab
# boots: CACHE/RELEASE/vmlinuz, CACHE/RELEASE/config and CACHE/RELEASE/modules/e1000.ko. Idempotent: a cached package
# or extraction is reused. Defaults match tests/AlSafe.TestSupport/Lab/LabAssets.cs.
set -euo pipefail

release="${ALSAFE_LAB_KERNEL:-6.1.0-56-amd64}"
cache="${ALSAFE_LAB_CACHE:-/var/cache/alsafe-lab}"
package="linux-image-${release}"
modules=(drivers/net/ethernet/intel/e1000/e1000.ko)

fail() { echo "fetch-kernel.sh: $*" >&2; exit 1; }

mkdir -p "$cache" || fail "cannot create the cache $cache"
# Concurrent test runs share the cache: one fetches, the others wait (bounded) and then find it done.
exec 9>"$cache/.fetch.lock"
flock -w 600 9 || fail "timed out waiting for another fetch ($cache/.fetch.lock)"

find_deb() { find "$cache" -maxdepth 1 -name "${package}_*_amd64.deb" | sort | tail -n 1; }

deb="$(find_deb)"
if [[ -z "$deb" ]]; then
    echo "fetch-kernel.sh: downloading $package into $cache" >&2
    (cd "$cache" && timeout 900 apt-get download "$package") ||
        fail "apt-get download $package failed (is the Debian archive reachable, and does $release exist?)"
    deb="$(find_deb)"
    [[ -n "$deb" ]] || fail "apt-get download $package left no ${package}_*_amd64.deb in $cache"
fi

target="$cache/$release"
stamp="$target/.from"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$(basename "$deb")" ]]; then
    exit 0
fi

work="$(mktemp -d "$cache/.extract.XXXXXX")"
trap 'rm -rf "$work"' EXIT
dpkg -x "$deb" "$work/x" || fail "dpkg -x $deb failed (corrupt download? delete it and retry)"
mkdir -p "$work/out/modules"
cp "$work/x/boot/vmlinuz-$release" "$work/out/vmlinuz" || fail "$deb has no boot/vmlinuz-$release"
cp "$work/x/boot/config-$release" "$work/out/config" || fail "$deb has no boot/config-$release"
for module in "${modules[@]}"; do
    base="$work/x/lib/modules/$release/kernel/$module"
    name="$(basename "$module")"
    # Newer Debian kernels compress modules; busybox insmod wants them plain.
    if [[ -f "$base" ]]; then
        cp "$base" "$work/out/modules/$name"
    elif [[ -f "$base.xz" ]]; then
        xz -dc "$base.xz" >"$work/out/modules/$name"
    elif [[ -f "$base.zst" ]]; then
        zstd -qdc "$base.zst" >"$work/out/modules/$name" || fail "cannot decompress $base.zst (install zstd)"
    else
        fail "$deb has no module $module"
    fi
done
basename "$deb" >"$work/out/.from"
rm -rf "$target"
mv "$work/out" "$target"
echo "fetch-kernel.sh: extracted $release into $target" >&2
