#!/usr/bin/env bash
# Wall time of `podctl apply` of a 2-container pod with a hostPort, two builds side by
# side: each round applies and deletes the pod once with each build, in alternating
# order, and prints the medians; then the size of each build's run plan for podbench's
# 3-container pod (docs/benchmarks.md, "One plan pipeline").
#
#   deploy/bench/apply-ab.sh BEFORE_DIR AFTER_DIR [RUNS]   (root; DIRs hold podctl and its helpers)
#
# Everything runs in a throwaway network and mount namespace (unshare), each build with
# its own state and run roots on a tmpfs and its own cgroup root, as the tests do; the
# machine's network, podctl state and cgroups are not touched.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
before=$(cd "$1" && pwd) after=$(cd "$2" && pwd) runs=${3:-12}
images=${TMPDIR:-/tmp}/podctl-test-images
[ -f "$images/busybox-docker.tar" ] || "$here/deploy/images/build-test-images.sh" "$images" >/dev/null

exec unshare -n -m --propagation private bash -s "$before" "$after" "$runs" "$images" <<'INNER'
set -euo pipefail
before=$1 after=$2 runs=$3 images=$4
ip link set lo up
work=$(mktemp -d /tmp/apply-ab.XXXXXX)
mount -t tmpfs tmpfs "$work"
cat > "$work/pod.yaml" <<'POD'
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: localhost/busybox:1
    command: ["sleep", "600"]
    ports: [{containerPort: 80, hostPort: 18080}]
  - name: side
    image: localhost/busybox:1
    command: ["sleep", "600"]
POD
podctl() { # build, then podctl's arguments
  local name=$1; shift
  PODCTL_ROOT=$work/$name/lib PODCTL_RUN_ROOT=$work/$name/run PODCTL_CGROUP_ROOT=/podctl-apply-ab-$name "$(eval echo \$$name)/podctl" "$@"
}
for build in before after; do podctl $build image load -i "$images/busybox-docker.tar" >/dev/null; done
now() { date +%s%N; }
: > "$work/before.ms"; : > "$work/after.ms"
for round in $(seq 1 "$runs"); do
  order="before after"; [ $((round % 2)) -eq 0 ] && order="after before"
  for build in $order; do
    start=$(now)
    podctl $build apply -f "$work/pod.yaml" >/dev/null
    end=$(now)
    echo $(( (end - start) / 1000 )) >> "$work/$build.ms"
    podctl $build delete -f "$work/pod.yaml" --now >/dev/null
  done
done
cat > "$work/web3.yaml" <<'POD'
apiVersion: v1
kind: Pod
metadata: {name: web3}
spec:
  terminationGracePeriodSeconds: 10
  containers:
  - name: web
    image: localhost/busybox:1
    command: ["sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; echo hi > /www/index.html; httpd -f -p 80 -h /www & wait"]
    ports: [{containerPort: 80, hostPort: 18081}]
  - {name: side1, image: localhost/busybox:1, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]}
  - {name: side2, image: localhost/busybox:1, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]}
POD
for build in before after; do
  podctl $build apply -f "$work/web3.yaml" >/dev/null
  echo "$build: run plan of the 3-container pod: $(stat -c %s "$work/$build/lib/pods/default/web3/runplan.json") bytes"
  podctl $build delete -f "$work/web3.yaml" --now >/dev/null
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f ms (min %.1f, max %.1f, n %d)\n", m/1000, a[1]/1000, a[NR]/1000, NR}'; }
echo "before: $(median "$work/before.ms")"
echo "after:  $(median "$work/after.ms")"
for build in before after; do
  for mount in $(awk '$3 == "cgroup" || $3 == "cgroup2" {print $2}' /proc/mounts | sort -u); do
    rmdir "$mount/podctl-apply-ab-$build" 2>/dev/null || true
  done
done
umount "$work"; rmdir "$work"
INNER
