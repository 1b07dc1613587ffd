#!/bin/bash
# Builds AL-SAFE's Debian package: packaging/build-deb.sh [OUTDIR] writes OUTDIR/alsafe_VERSION_amd64.deb (OUTDIR
# defaults to the current directory) and prints its path. Needs the .NET 10 SDK and dpkg-deb, not root.
#
# The daemon is published self-contained for linux-x64, so a node needs no .NET runtime: only the C and C++ runtime
# libraries, zlib and OpenSSL that any Debian system has, and the system's liblzma (read by `alsafe profile build`).
set -euo pipefail
umask 022

repo="$(cd "$(dirname "$0")/.." && pwd)"
packaging="$repo/packaging"
outdir="${1:-.}"
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

version="$(dotnet msbuild "$repo/AlSafe.Daemon" -getProperty:Version)"
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "build-deb.sh: '$version' is not a Debian version" >&2; exit 1; }

# A private artifacts folder: the publish neither reuses nor disturbs anyone's build output in the work tree.
dotnet publish "$repo/AlSafe.Daemon" -c Release -r linux-x64 --self-contained true --nologo -v quiet \
    --artifacts-path "$work/artifacts" -o "$root/usr/lib/alsafe" >&2
# The LTTng trace provider would make the package depend on liblttng-ust for tracing nobody enables here; the runtime
# runs without it.
rm -f "$root/usr/lib/alsafe/libcoreclrtraceptprovider.so"

# Explicit modes: the staging tree must not inherit the builder's umask, and the daemon refuses configuration that
# anyone but root could change.
install -d -m 0755 "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/alsafe" "$root/etc/alsafe/whitelist.d" \
    "$root/etc/alsafe/vms.d" "$root/usr/share/dbus-1/system.d" "$root/usr/share/doc/alsafe/examples" \
    "$root/var/lib/alsafe/profiles" "$root/DEBIAN"
find "$root/usr/lib/alsafe" -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/lib/alsafe/alsafe" "$root/usr/lib/alsafe/createdump"
# The apphost finds its runtime beside the file the link resolves to.
ln -s ../lib/alsafe/alsafe "$root/usr/bin/alsafe"

install -m 0644 "$repo/alsafe.service" "$root/lib/systemd/system/alsafe.service"
install -m 0600 "$repo/alsafe.conf.example" "$root/etc/alsafe/alsafe.conf"
install -m 0644 "$packaging/whitelist.d/example.tsv" "$root/etc/alsafe/whitelist.d/example.tsv"
install -m 0644 "$packaging/dbus/org.alsafe.Daemon1.conf" "$root/usr/share/dbus-1/system.d/org.alsafe.Daemon1.conf"
install -m 0644 "$repo/README.md" "$root/usr/share/doc/alsafe/README.md"
install -m 0644 "$repo/docs/ARCHITECTURE.md" "$root/usr/share/doc/alsafe/ARCHITECTURE.md"
install -m 0644 "$packaging/README.md" "$root/usr/share/doc/alsafe/PACKAGING.md"
install -m 0644 "$repo/alsafe.conf.example" "$packaging/vm.conf.example" "$packaging/whitelist.d/example.tsv" \
    "$root/usr/share/doc/alsafe/examples/"

conffiles=(/etc/alsafe/alsafe.conf /etc/alsafe/whitelist.d/example.tsv)

# libvirt runs every executable of /etc/libvirt/hooks/qemu.d/ on each domain event, so the hook goes there under the
# package's name, beside any other hook of the node; the rest of packaging/libvirt/ is its documentation.
if [[ -f "$packaging/libvirt/qemu" ]]; then
    install -d -m 0755 "$root/etc/libvirt/hooks/qemu.d" "$root/usr/share/doc/alsafe/libvirt"
    install -m 0755 "$packaging/libvirt/qemu" "$root/etc/libvirt/hooks/qemu.d/alsafe"
    conffiles+=(/etc/libvirt/hooks/qemu.d/alsafe)
    find "$packaging/libvirt" -maxdepth 1 -type f ! -name qemu -exec install -m 0644 -t "$root/usr/share/doc/alsafe/libvirt" {} +
fi

find "$root" -type d -exec chmod 0755 {} +

installed_size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_size/" "$packaging/debian/control" \
    > "$root/DEBIAN/control"
printf '%s\n' "${conffiles[@]}" > "$root/DEBIAN/conffiles"
install -m 0755 "$packaging/debian/postinst" "$packaging/debian/prerm" "$packaging/debian/postrm" "$root/DEBIAN/"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z \
    | xargs -0 md5sum) > "$work/md5sums"
install -m 0644 "$work/md5sums" "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles"

deb="$outdir/alsafe_${version}_amd64.deb"
dpkg-deb --build --root-owner-group "$root" "$deb" >&2
echo "$deb"
