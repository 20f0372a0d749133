#!/bin/bash
# PID 1 of the cgroup v2 guest (deploy/cgroup2-guest.sh): runs the test binary's filtered
# suite, prints every line prefixed "guest| " and a result line on the console, powers off.
tests=$1
filter=$2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/swift/usr/bin
export HOME=/root CI=true TMPDIR=/run
exec >/dev/console 2>&1
echo "guest| kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
# The shared root is read-only; the rootless tests add an account (useradd, usermod
# --add-subuids): /etc is a copy on the guest's tmpfs /run.
cp -a /etc /run/guest-etc && mount --bind /run/guest-etc /etc
start=$(date +%s)
"$tests" --testing-library swift-testing --filter "$filter" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g; s/^/guest| /'
status=${PIPESTATUS[0]}
echo "guest| tests ran in $(( $(date +%s) - start ))s"
if [ "$status" = 0 ]; then echo "PODCTL-GUEST-RESULT pass 0"; else echo "PODCTL-GUEST-RESULT fail $status"; fi
sync
echo o > /proc/sysrq-trigger
sleep 30
