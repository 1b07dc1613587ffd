#!/bin/bash
# AL-SAFE's hand-off around one QEMU live migration, as a plain script: what the libvirt hook
# (packaging/libvirt/qemu) does from libvirt's events, in one place, for the lab (both nodes' daemons on one machine,
# each on its own D-Bus bus) or by hand. The destination QEMU must already be waiting (-incoming URI) on its tap.
#   migrate.sh --vm VM --source-bus ADDRESS --dest-bus ADDRESS --source-qmp SOCKET --uri URI
#              --descriptor FILE --tenant TENANT --memory FILE --qmp SOCKET --addresses A[,B...] [--layout q35]
#              [--state FILE] [--alsafe COMMAND] [--dest-switch MGMT_SOCKET --cookie 0xHEX] [--timeout SECONDS]
#   1 descriptor  writes the destination's vms.d/VM.conf (FILE): the destination's memory file and QMP socket, the
#                 same tenant and addresses (0600, replaced whole); alsafe reload there, so its daemon knows VM
#   2 export      alsafe vm export VM --output STATE on the source (it stops introspecting VM, keeps its rules)
#   3 import      alsafe vm import STATE on the destination, before any RAM moves (its rules for the incoming port)
#   4 rules       with --dest-switch: waits until the destination's bridge holds VM's grant flows (cookie, ct commit)
#   5 transfer    QMP migrate URI on the source, then query-migrate until completed (the destination runs VM)
#   6 release     alsafe vm release VM on the source (it withdraws VM's rules now)
# A failed import or transfer cancels: alsafe vm resume VM on the source, and the destination's descriptor is deleted
# (the destination's imported grants go with its port, when the hypervisor stops the destination QEMU).
# Prints "phase NAME SECONDS" per step and "downtime MS" (QEMU's); exit 0 only when VM runs on the destination.
# An empty bus address means the system bus. Every wait is bounded by --timeout (default 120 s).
set -euo pipefail

fail() { echo "migrate.sh: $*" >&2; exit 1; }
usage() { sed -n '5,7p' "$0" | sed 's/^# //' >&2; exit 2; }

vm="" source_bus="-" dest_bus="-" source_qmp="" uri="" descriptor="" tenant="" memory="" qmp="" addresses="" layout=q35
state="" alsafe=alsafe dest_switch="" cookie="" timeout=120
while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || usage
    case "$1" in
        --vm) vm="$2" ;;
        --source-bus) source_bus="$2" ;;
        --dest-bus) dest_bus="$2" ;;
        --source-qmp) source_qmp="$2" ;;
        --uri) uri="$2" ;;
        --descriptor) descriptor="$2" ;;
        --tenant) tenant="$2" ;;
        --memory) memory="$2" ;;
        --qmp) qmp="$2" ;;
        --addresses) addresses="$2" ;;
        --layout) layout="$2" ;;
        --state) state="$2" ;;
        --alsafe) alsafe="$2" ;;
        --dest-switch) dest_switch="$2" ;;
        --cookie) cookie="$2" ;;
        --timeout) timeout="$2" ;;
        *) usage ;;
    esac
    shift 2
done
[[ "$vm" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ ]] || fail "--vm wants a VM name, not '$vm'"
[[ "$source_bus" != - && "$dest_bus" != - ]] || fail "--source-bus and --dest-bus are required ('' for the system bus)"
for required in source_qmp uri descriptor tenant memory qmp addresses; do
    [[ -n "${!required}" ]] || fail "--${required//_/-} is required"
done
[[ "$timeout" =~ ^[0-9]+$ && "$timeout" -gt 0 ]] || fail "--timeout wants whole seconds, not '$timeout'"
[[ -z "$dest_switch" || "$cookie" =~ ^0x[0-9a-fA-F]+$ ]] || fail "--dest-switch needs --cookie 0xHEX (the VM's flow cookie)"
command -v socat >/dev/null || fail "no socat"

work="$(mktemp -d)"
qmp_pid=""
cleanup() {
    [[ -z "$qmp_pid" ]] || kill "$qmp_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
[[ -n "$state" ]] || state="$work/$vm.state"

# alsafe against one node's daemon: its CLI reaches the daemon over D-Bus, here the node's own bus. $alsafe is left
# unquoted on purpose: COMMAND may carry arguments (dotnet .../alsafe.dll).
on() {
    local bus="$1"
    shift
    if [[ -n "$bus" ]]; then
        DBUS_SYSTEM_BUS_ADDRESS="$bus" timeout "$timeout" $alsafe "$@"
    else
        timeout "$timeout" $alsafe "$@"
    fi
}

now_us() { echo "${EPOCHREALTIME/./}"; }
phase_start=0
begin() { phase_start="$(now_us)"; }
report() {
    local spent=$(( $(now_us) - phase_start ))
    printf 'phase %s %d.%06d\n' "$1" $((spent / 1000000)) $((spent % 1000000))
}

cancel() {
    echo "migrate.sh: $1; cancelling: $vm stays on the source" >&2
    on "$source_bus" vm resume "$vm" || echo "migrate.sh: alsafe vm resume $vm failed on the source" >&2
    rm -f "$descriptor"
    on "$dest_bus" reload >/dev/null || echo "migrate.sh: alsafe reload failed on the destination" >&2
    exit 1
}

# One QMP session on the source for the whole transfer: QEMU serves one monitor client at a time.
qmp_open() {
    coproc QMP { exec socat - "UNIX-CONNECT:$1"; }
    qmp_pid="$QMP_PID"
    qmp_call '{"execute":"qmp_capabilities"}' >/dev/null
}

# Sends one command and prints its answer line, skipping events; each read waits at most 10 s.
qmp_call() {
    local line
    printf '%s\n' "$1" >&"${QMP[1]}"
    while IFS= read -r -t 10 line <&"${QMP[0]}"; do
        case "$line" in
            '{"return"'*) echo "$line"; return 0 ;;
            '{"error"'*) echo "migrate.sh: QMP $1: $line" >&2; return 1 ;;
        esac
    done
    echo "migrate.sh: no QMP answer to $1" >&2
    return 1
}

begin
mkdir -p "$(dirname "$descriptor")"
(
    umask 077
    printf '[vm]\ntenant = %s\nmemory = %s\nlayout = %s\nqmp = %s\naddresses = %s\n' \
        "$tenant" "$memory" "$layout" "$qmp" "${addresses//,/, }" >"$descriptor.new"
)
mv -f "$descriptor.new" "$descriptor"
on "$dest_bus" reload >/dev/null || fail "alsafe reload failed on the destination: is $descriptor valid?"
report descriptor

begin
if ! on "$source_bus" vm export "$vm" --output "$state"; then
    rm -f "$descriptor"
    on "$dest_bus" reload >/dev/null || true
    fail "alsafe vm export $vm failed on the source: $vm stays there, unchanged"
fi
report export

begin
on "$dest_bus" vm import "$state" || cancel "alsafe vm import failed on the destination"
report import

if [[ -n "$dest_switch" ]]; then
    begin
    deadline=$((SECONDS + timeout))
    until ovs-ofctl -O OpenFlow14 dump-flows "unix:$dest_switch" "cookie=$cookie/-1" 2>/dev/null | grep -qF 'ct(commit'; do
        [[ $SECONDS -lt $deadline ]] || cancel "the destination's switch shows no grant flow of $vm within $timeout s"
        sleep 0.01
    done
    report rules
fi

begin
qmp_open "$source_qmp" || cancel "no QMP session with the source at $source_qmp"
qmp_call "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"$uri\"}}" >/dev/null || cancel "QMP migrate refused"
deadline=$((SECONDS + timeout))
while :; do
    answer="$(qmp_call '{"execute":"query-migrate"}')" || cancel "query-migrate failed"
    status="$(grep -oE '"status": *"[a-z-]+"' <<<"$answer" | head -n 1 | grep -oE '[a-z-]+"$' | tr -d '"')"
    case "$status" in
        completed) break ;;
        failed|cancelled) cancel "the migration $status: $answer" ;;
    esac
    [[ $SECONDS -lt $deadline ]] || cancel "the migration did not complete within $timeout s (status $status)"
    sleep 0.05
done
report transfer
echo "downtime $(grep -oE '"downtime": *[0-9]+' <<<"$answer" | grep -oE '[0-9]+$' || echo unknown)"

begin
on "$source_bus" vm release "$vm" || fail "alsafe vm release $vm failed on the source: its rules stay until its port goes"
report release
