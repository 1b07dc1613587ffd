#!/bin/bash
# Measures AL-SAFE on real lab guests and prints medians: introspection (walk and pause, paused and live) on a
# 4-level and a 5-level guest with --repeat, the peak memory of the introspecting process, and profile build/import
# times. Every number in BENCHMARKS.md under "real guest" comes from this script. Two more benchmarks of the daemon
# run from the lab console (tests/AlSafe.Lab), each with its own options (reachability --help lists its own):
#   tests/lab/bench.sh [--repeat N]                 (default 1000)
#   tests/lab/bench.sh reachability [OPTIONS]       time until a new service or connection gets through ("Daemon: time
#                                                   until reachable" in BENCHMARKS.md), periods 1, 5 and 15 s
#   tests/lab/bench.sh load [OPTIONS]               the daemon's CPU and memory on nodes of many synthetic VMs
set -euo pipefail
cd "$(dirname "$0")/../.."

case "${1:-}" in
    reachability|load)
        verb="bench-$1"
        shift
        tests/lab/install-deps.sh
        if [[ "$verb" == bench-reachability ]]; then
            tests/lab/fetch-kernel.sh
            tests/lab/build-initramfs.sh >/dev/null
        fi
        dotnet build tests/AlSafe.Lab -c Release --nologo -v quiet
        exec dotnet run --project tests/AlSafe.Lab -c Release --no-build -- "$verb" "$@"
        ;;
esac

repeat=1000
[[ "${1:-}" == --repeat ]] && repeat="${2:?--repeat needs N}"
release="${ALSAFE_LAB_KERNEL:-6.1.0-56-amd64}"
cache="${ALSAFE_LAB_CACHE:-/var/cache/alsafe-lab}"
build="tests/lab/build"

tests/lab/install-deps.sh
tests/lab/fetch-kernel.sh
tests/lab/build-initramfs.sh >/dev/null
dotnet publish AlSafe.Daemon/AlSafe.Daemon.csproj -c Release -o "$build/alsafe" --nologo -v quiet
alsafe="$build/alsafe/alsafe"
deb="$(find "$cache" -maxdepth 1 -name "linux-image-${release}_*_amd64.deb" | sort | tail -n 1)"
mkdir -p "$build/profiles"

median_of_runs() { # command... : runs it 5 times, prints the median wall time in ms and the largest peak RSS in MiB
    local times=() rss=0 out kb
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f '%e %M' -o /tmp/alsafe-bench-time "$@" >/dev/null 2>&1
        out="$(tail -n 1 /tmp/alsafe-bench-time)"
        times+=("$(awk '{printf "%d", $1 * 1000}' <<<"$out")")
        kb="$(awk '{print $2}' <<<"$out")"
        ((kb > rss)) && rss=$kb
    done
    rm -f /tmp/alsafe-bench-time
    printf '%s ms median wall, %s MiB peak RSS\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)" "$((rss / 1024))"
}

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
echo "== profile build from $(basename "$deb"): $(median_of_runs "$alsafe" profile build "$deb" -o "$build/profiles/$release.json")"
echo "== profile build from vmlinuz: $(median_of_runs "$alsafe" profile build "$cache/$release/vmlinuz" -o /dev/null)"
isf="../shared/data/linux-image-${release}.isf.json.xz"
[[ -f "$isf" ]] && echo "== profile import of $(basename "$isf"): $(median_of_runs "$alsafe" profile import "$isf" -o /dev/null)"

for paging in no-la57 la57; do
    name="bench-$paging"
    trap 'tests/lab/guest.sh stop '"$name"' >/dev/null 2>&1 || true' EXIT
    tests/lab/guest.sh start "$name" "--$paging" 2>/dev/null
    eval "$(tests/lab/guest.sh paths "$name")"
    for _ in $(seq 240); do grep -q '@@ALSAFE-TRUTH-END' "$serial" 2>/dev/null && break; sleep 0.5; done
    grep -q '@@ALSAFE-TRUTH-END' "$serial" || { echo "bench.sh: guest $name did not boot" >&2; exit 1; }
    sleep 2
    echo "== guest $name ($( [[ $paging == la57 ]] && echo 5 || echo 4)-level paging, 512 MiB, TCG)"
    "$alsafe" introspect --memory "$ram" --qmp "$qmp" --profiles "$build/profiles" | sed -n 2p
    /usr/bin/time -f '%M' -o /tmp/alsafe-bench-rss "$alsafe" introspect --memory "$ram" --qmp "$qmp" --profiles "$build/profiles" --repeat "$repeat" | tail -n 1
    echo "#   peak RSS of that process: $(( $(cat /tmp/alsafe-bench-rss) / 1024 )) MiB"
    "$alsafe" introspect --memory "$ram" --qmp "$qmp" --live --profiles "$build/profiles" --repeat "$repeat" | tail -n 1
    tests/lab/guest.sh stop "$name" >/dev/null
    trap - EXIT
done
rm -f /tmp/alsafe-bench-rss
