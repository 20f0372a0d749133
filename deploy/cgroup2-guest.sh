#!/usr/bin/env bash
# Runs podctl's resource integration tests on a real cgroup v2 kernel: a stock Debian
# kernel booted under QEMU's software emulation (TCG), with this machine's root shared
# read-only over 9p and the unified hierarchy mounted with its controllers.
#
# The kernel comes from Debian's linux-image package, extracted with dpkg -x under the
# work directory (the host's /boot and /lib/modules are untouched). The initramfs is this
# script's own: busybox-static as init, the virtio and 9p modules; it mounts the shared
# root, loads what the tests need (overlay, bridge, veth, nf_tables, NAT), puts tmpfs on
# /tmp and /run, mounts cgroup2 on /sys/fs/cgroup and switch_roots into
# deploy/cgroup2-guest-run.sh, which runs the tests and prints a result line on the
# serial console. This side reads that line; no line, a failure or the timeout fail.
#
#   deploy/cgroup2-guest.sh                       ResourcesIntegrationTests, DeviceTests
#                                                 (the v2 device filter, a BPF program) and
#                                                 RootlessResourcesTests (a user's delegated
#                                                 subtree)
#   PODCTL_GUEST_FILTER=Name deploy/cgroup2-guest.sh
#
# Why TCG: /dev/kvm on these machines is a PVM backend that cannot run a stock kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=${PODCTL_GUEST_WORK:-$repo/.build/cgroup2-guest}
timeout_seconds=${PODCTL_GUEST_TIMEOUT:-600}
filter=${PODCTL_GUEST_FILTER:-ResourcesIntegrationTests|DeviceTests|RootlessResourcesTests}
tests=${PODCTL_GUEST_TESTS:-$repo/.build/debug/podctlPackageTests.xctest}
images=${PODCTL_TEST_IMAGES:-/tmp/podctl-test-images}
started=$(date +%s)

say() { echo "cgroup2-guest: $*" >&2; }
# The guest sees the host's root read-only with fresh tmpfs on /tmp and /run. A checkout
# under them (CI may clone anywhere) is bind-mounted back over the tmpfs; a work
# directory or test binary there must then be inside the checkout.
keep_repo=false
case "$repo" in /tmp/*|/run/*) keep_repo=true ;; esac
for path in "$work" "$tests"; do
  case "$path" in "$repo"/*) ;; /tmp/*|/run/*) say "$path is under /tmp or /run, which the guest covers with tmpfs: put it inside the checkout or elsewhere"; exit 1 ;; esac
done
[ -x "$tests" ] || { say "no test binary at $tests: run swift build --build-tests first"; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { say "qemu-system-x86_64 is missing: run deploy/deps.sh"; exit 1; }
[ -f "$images/busybox-docker.tar" ] || bash deploy/images/build-test-images.sh "$images" >/dev/null
mkdir -p "$work"

# The kernel: the package linux-image-amd64 depends on, extracted once.
if ! ls "$work"/kernel/boot/vmlinuz-* >/dev/null 2>&1; then
  package=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }' || true)
  if [ -z "$package" ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    package=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }' || true)
  fi
  [ -n "$package" ] || { say "apt knows no linux-image-amd64 (apt-get update?)"; exit 1; }
  rm -rf "$work/debs" "$work/kernel" && mkdir -p "$work/debs"
  (cd "$work/debs" && apt-get download "$package" >/dev/null 2>&1) || { say "cannot download $package"; exit 1; }
  dpkg -x "$work"/debs/*.deb "$work/kernel"
  rm -rf "$work/debs"
fi
kernel=$(ls "$work"/kernel/boot/vmlinuz-* | head -n 1)
version=${kernel##*/vmlinuz-}
modules="$work/kernel/lib/modules/$version"
# busybox's depmod: modprobe in the guest needs modules.dep, which the package leaves to
# its postinst.
[ -f "$modules/modules.dep" ] || busybox depmod -b "$work/kernel" "$version"

# The initramfs: busybox, the modules that reach the shared root, and /init.
initramfs="$work/initramfs"
rm -rf "$initramfs" && mkdir -p "$initramfs/bin" "$initramfs/lib/modules/$version"
cp "$(command -v busybox)" "$initramfs/bin/busybox"
cp "$modules"/modules.dep "$modules"/modules.builtin "$modules"/modules.order "$initramfs/lib/modules/$version/" 2>/dev/null || true
dependencies() {  # a module's file and every file it needs, from modules.dep
  local line
  line=$(grep -E "(^|/)$1\.ko:" "$modules/modules.dep" | head -n 1)
  [ -n "$line" ] || return 0
  echo "${line%%:*}"
  for needed in ${line#*:}; do echo "$needed"; done
}
for module in virtio_pci 9pnet_virtio 9p; do
  for file in $(dependencies "$module"); do
    file=${file#/lib/modules/$version/}
    mkdir -p "$initramfs/lib/modules/$version/$(dirname "$file")"
    cp "$modules/$file" "$initramfs/lib/modules/$version/$file"
  done
done
cat > "$initramfs/init" <<INIT
#!/bin/busybox sh
set -e
b=/bin/busybox
\$b mkdir -p /proc /sys /dev /newroot /tmp
\$b mount -t proc proc /proc
\$b mount -t sysfs sysfs /sys
\$b mount -t devtmpfs devtmpfs /dev
\$b modprobe -a virtio_pci 9pnet_virtio 9p
\$b mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose hostroot /newroot
# Every module of the kernel, from the shared root: loaded now, as nothing can load
# them later (the shared root has no /lib/modules for this kernel).
\$b mount --bind /newroot$work/kernel/lib/modules /lib/modules
# loop: DeviceTests aims at a real block device, and the guest has no disk.
# tun: the rootless test's user network runs pasta, which needs /dev/net/tun.
for module in crc32c_generic libcrc32c overlay bridge veth br_netfilter nf_tables nft_chain_nat nft_nat nft_masq nft_fib_inet nft_fib_ipv4 nft_fib_ipv6 nft_ct nf_nat nf_conntrack nft_compat loop tun; do
  \$b modprobe \$module || echo "cgroup2-guest: cannot load \$module"
done
# Foundation's run loop wakes itself over a loopback UDP pair: lo must be up.
\$b ip link set lo up
# A checkout under /tmp or /run: held aside now, put back over the tmpfs below.
if $keep_repo; then \$b mkdir -p /keep && \$b mount --bind /newroot$repo /keep; fi
\$b mount -t tmpfs -o mode=0755 tmpfs /newroot/run
\$b mkdir -p /newroot/run/podctl-test-images
\$b mount --bind /newroot$images /newroot/run/podctl-test-images
\$b mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
if $keep_repo; then \$b mkdir -p /newroot$repo && \$b mount --move /keep /newroot$repo; fi
\$b mount --move /dev /newroot/dev
\$b mount --move /proc /newroot/proc
\$b mount --move /sys /newroot/sys
\$b mount -t cgroup2 cgroup2 /newroot/sys/fs/cgroup
exec \$b switch_root /newroot /bin/bash $repo/deploy/cgroup2-guest-run.sh "$tests" "$filter"
INIT
chmod 0755 "$initramfs/init"
(cd "$initramfs" && find . | busybox cpio -H newc -o 2>/dev/null | gzip -1) > "$work/initramfs.cpio.gz"

log="$work/console.log"
say "booting $version under TCG (timeout ${timeout_seconds}s), tests: $filter"
set +e
timeout --kill-after=10 "$timeout_seconds" qemu-system-x86_64 \
  -accel tcg,thread=multi -cpu max -smp 2 -m 3072 \
  -kernel "$kernel" -initrd "$work/initramfs.cpio.gz" \
  -append "console=ttyS0 rdinit=/init panic=-1 loglevel=4 quiet" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -display none -serial "file:$log" -monitor none -no-reboot -nodefaults \
  </dev/null
qemu_status=$?
set -e
elapsed=$(( $(date +%s) - started ))
# The guest's own lines (test output and the result) are prefixed, so kernel messages
# interleaved on the console do not get in the way.
sed -n 's/^guest| //p' "$log" | tr -d '\r'
result=$(grep -a -o 'PODCTL-GUEST-RESULT [a-z]* [0-9]*' "$log" | tail -n 1 || true)
if [ "$qemu_status" = 124 ] || [ "$qemu_status" = 137 ]; then
  say "the guest did not finish within ${timeout_seconds}s; console: $log"
  tail -n 30 "$log" >&2
  exit 1
fi
case "$result" in
  "PODCTL-GUEST-RESULT pass "*) say "cgroup v2 tests passed in the guest; boot and test took ${elapsed}s"; exit 0 ;;
  "PODCTL-GUEST-RESULT fail "*) say "cgroup v2 tests FAILED in the guest (exit ${result##* }) after ${elapsed}s; console: $log"; exit 1 ;;
  *) say "the guest gave no result (qemu exit $qemu_status) after ${elapsed}s; console: $log"; tail -n 40 "$log" >&2; exit 1 ;;
esac
