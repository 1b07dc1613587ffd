#!/bin/bash
# Runs lab guests: the Debian kernel and the lab initramfs under QEMU, RAM in a shared file that AL-SAFE reads.
#   guest.sh start NAME [--mem MiB] [--la57|--no-la57] [--accel tcg|kvm] [--machine q35] [--owner PID]
#                       [--tap IFNAME [--netns NETNS]] [--mac MAC] [--incoming URI]
#                                 with --owner, the guest is stopped when process PID ends (a crashed test run
#                                 leaves no QEMU behind) and a later start may take over the name; with --tap, eth0
#                                 is that pre-created tap (QEMU runs in named netns NETNS, where the tap is),
#                                 without it a hub port that reaches nothing; --mac sets eth0's MAC; --incoming
#                                 starts a live migration's destination (QEMU -incoming URI, e.g. unix:PATH): it
#                                 waits for the source's QMP migrate and runs the migrated guest, with no boot
#   guest.sh stop NAME            kill QEMU, delete the RAM file and the sockets (the serial log stays for post-mortems)
#   guest.sh paths NAME           print ram=, qmp=, serial=, command=, pid= lines
#   guest.sh cmd NAME LINE...     send one command-channel line (truth | start MODE ARGS | kill PID | sh CMD) and
#                                 print the guest's "@@ALSAFE-DONE" reply; the output (e.g. the truth) is in the serial log
# Needs fetch-kernel.sh and build-initramfs.sh to have run. Environment: ALSAFE_LAB_KERNEL, ALSAFE_LAB_CACHE,
# ALSAFE_LAB_RUN (runtime directory root, default /run/alsafe-lab).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
release="${ALSAFE_LAB_KERNEL:-6.1.0-56-amd64}"
cache="${ALSAFE_LAB_CACHE:-/var/cache/alsafe-lab}"
run_root="${ALSAFE_LAB_RUN:-/run/alsafe-lab}"

fail() { echo "guest.sh: $*" >&2; exit 1; }
usage() { sed -n '3,14p' "$0" | sed 's/^# //' >&2; exit 2; }

[[ $# -ge 2 ]] || usage
action="$1"
name="$2"
shift 2
[[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$ ]] || fail "bad guest name '$name' (letters, digits, _ . -)"

dir="$run_root/$name"
ram="/dev/shm/alsafe-$name.ram"
qmp="$dir/qmp.sock"
serial="$dir/serial.log"
command_socket="$dir/command.sock"
pidfile="$dir/qemu.pid"
ownerfile="$dir/owner.pid"
watchfile="$dir/watch.pid"

# The pid only if that process runs with this exact command line marker (pids get reused).
pid_of() {
    local file="$1" marker="$2" pid
    [[ -f "$file" ]] || return 1
    pid="$(cat "$file")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
    echo "$pid"
}

owner_alive() {
    local owner
    [[ -f "$ownerfile" ]] || return 0
    owner="$(cat "$ownerfile")"
    [[ "$owner" =~ ^[0-9]+$ ]] && kill -0 "$owner" 2>/dev/null
}

# Runs detached beside QEMU: stops the guest once its owner is gone. Bounded by the owner's and QEMU's lifetimes.
watch() {
    while running_pid >/dev/null && owner_alive; do
        sleep 2
    done
    running_pid >/dev/null && stop
    rm -f "$watchfile"
}

running_pid() { pid_of "$pidfile" "$pidfile"; }

stop() {
    local pid watcher
    if watcher="$(pid_of "$watchfile" "guest.sh watch $name")" && [[ "$watcher" != "$$" ]]; then
        kill "$watcher" 2>/dev/null || true
    fi
    if pid="$(running_pid)"; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
        fi
    fi
    rm -f "$ram" "$qmp" "$command_socket" "$pidfile" "$ownerfile" "$watchfile"
}

start() {
    local mem=512 cpu=max,la57=off accel=tcg machine=q35 owner="" tap="" netns="" mac="" incoming=""
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --mem) mem="${2:?--mem needs MiB}"; shift 2 ;;
            --la57) cpu=max; shift ;;
            --no-la57) cpu=max,la57=off; shift ;;
            --accel) accel="${2:?--accel needs tcg or kvm}"; shift 2 ;;
            --machine) machine="${2:?--machine needs a type}"; shift 2 ;;
            --owner) owner="${2:?--owner needs a pid}"; shift 2 ;;
            --tap) tap="${2:?--tap needs an interface name}"; shift 2 ;;
            --netns) netns="${2:?--netns needs a namespace name}"; shift 2 ;;
            --mac) mac="${2:?--mac needs a MAC address}"; shift 2 ;;
            --incoming) incoming="${2:?--incoming needs a migration URI}"; shift 2 ;;
            *) fail "unknown option $1" ;;
        esac
    done
    [[ "$mem" =~ ^[0-9]+$ && "$mem" -ge 128 ]] || fail "--mem wants MiB >= 128, not '$mem'"
    [[ "$accel" == tcg || "$accel" == kvm ]] || fail "--accel wants tcg or kvm, not '$accel'"
    local kernel="$cache/$release/vmlinuz" initrd="$here/build/initramfs.cpio.gz"
    [[ -f "$kernel" ]] || fail "no $kernel: run tests/lab/fetch-kernel.sh"
    [[ -f "$initrd" ]] || fail "no $initrd: run tests/lab/build-initramfs.sh"
    [[ -z "$owner" || "$owner" =~ ^[0-9]+$ ]] || fail "--owner wants a pid, not '$owner'"
    [[ -z "$tap" || "$tap" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$ ]] || fail "--tap wants an interface name, not '$tap'"
    [[ -z "$netns" || -n "$tap" ]] || fail "--netns only goes with --tap"
    [[ -z "$netns" || "$netns" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ ]] || fail "--netns wants a namespace name, not '$netns'"
    [[ -z "$netns" || -e "/run/netns/$netns" ]] || fail "no network namespace $netns (ip netns list)"
    [[ -z "$mac" || "$mac" =~ ^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$ ]] || fail "--mac wants xx:xx:xx:xx:xx:xx, not '$mac'"
    [[ -z "$incoming" || "$incoming" =~ ^(unix:/|tcp:)[A-Za-z0-9_./:,=-]+$ ]] || fail "--incoming wants unix:PATH or tcp:HOST:PORT, not '$incoming'"
    if running_pid >/dev/null; then
        if [[ -f "$ownerfile" ]] && ! owner_alive; then
            echo "guest.sh: taking over $name from its ended owner $(cat "$ownerfile")" >&2
        else
            fail "guest $name is already running (guest.sh stop $name)"
        fi
    fi
    stop
    mkdir -p "$dir"
    : >"$serial"
    # Without a tap no NIC backend reaches anything: a hub port with no other port, so no guest packet leaves QEMU.
    local netdev="hubport,id=n0,hubid=0" nic="e1000,netdev=n0" launcher=() incoming_args=()
    [[ -z "$tap" ]] || netdev="tap,id=n0,ifname=$tap,script=no,downscript=no"
    [[ -z "$mac" ]] || nic="$nic,mac=$mac"
    # A tap is found by name in QEMU's own network namespace; only that namespace changes (paths stay the same).
    [[ -z "$netns" ]] || launcher=(nsenter "--net=/run/netns/$netns" --)
    # The destination's command line must equal the source's but for its own paths; the RAM arrives by migration.
    [[ -z "$incoming" ]] || incoming_args=(-incoming "$incoming")
    timeout 60 "${launcher[@]}" qemu-system-x86_64 \
        -name "alsafe-$name" \
        -accel "$accel" -cpu "$cpu" -smp 2 -m "${mem}M" \
        -object "memory-backend-file,id=ram0,size=${mem}M,mem-path=$ram,share=on" \
        -machine "$machine,memory-backend=ram0" \
        -kernel "$kernel" -initrd "$initrd" -append 'console=ttyS0 panic=-1' \
        -netdev "$netdev" -device "$nic" \
        -display none -monitor none -nodefaults \
        -serial "file:$serial" \
        -chardev "socket,id=command,path=$command_socket,server=on,wait=off" -serial chardev:command \
        -qmp "unix:$qmp,server=on,wait=off" \
        "${incoming_args[@]}" \
        -no-reboot -pidfile "$pidfile" -daemonize ||
        { stop; fail "qemu-system-x86_64 did not start (see above)"; }
    running_pid >/dev/null || fail "QEMU exited right away; serial log: $serial"
    if [[ -n "$owner" ]]; then
        echo "$owner" >"$ownerfile"
        setsid bash "$0" watch "$name" </dev/null >/dev/null 2>&1 &
        echo $! >"$watchfile"
    fi
}

paths() {
    printf 'ram=%s\nqmp=%s\nserial=%s\ncommand=%s\npid=%s\n' "$ram" "$qmp" "$serial" "$command_socket" "$pidfile"
}

command_line() {
    [[ $# -ge 1 ]] || usage
    running_pid >/dev/null || fail "guest $name is not running"
    command -v socat >/dev/null || fail "no socat"
    local seq=$((RANDOM * 32768 + RANDOM)) line reply=""
    coproc channel { exec socat - "UNIX-CONNECT:$command_socket"; }
    printf '%s %s\n' "$seq" "$*" >&"${channel[1]}"
    # Bounded: each read waits at most 60 s; the tty turns newlines into CR LF.
    while IFS= read -r -t 60 line <&"${channel[0]}"; do
        line="${line%$'\r'}"
        if [[ "$line" == "@@ALSAFE-DONE $seq "* ]]; then
            reply="$line"
            break
        fi
    done
    kill "$channel_PID" 2>/dev/null || true
    wait "$channel_PID" 2>/dev/null || true
    [[ -n "$reply" ]] || fail "no reply to '$*' within 60 s"
    echo "$reply"
}

case "$action" in
    start) start "$@" ;;
    stop) stop ;;
    paths) paths ;;
    cmd) command_line "$@" ;;
    watch) watch ;;
    *) usage ;;
esac
