#!/usr/bin/env bash
# Pull time of a 100 MiB image from a loopback registry: podctl image pull, skopeo copy
# (to an OCI layout and to a dir), podman pull; one run of this script measures all of
# them against the same registry and image (docs/images.md, "Pull speed").
#
#   deploy/bench/pull-bench.sh [PODCTL]        (root; PODCTL defaults to the release build)
#
# The image: the busybox test image plus a layer holding 100 MiB of random data, pushed
# by skopeo (which gzips the layers) to Debian's docker-registry on 127.0.0.1. Every run
# pulls into a fresh store. podman runs in a private mount namespace (its overlay driver
# mounts), with its own --root/--runroot, so nothing of the machine's podman is used.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
podctl=${1:-$here/.build/release/podctl}
runs=${RUNS:-5}
work=$(mktemp -d /var/tmp/pull-bench.XXXXXX)
registry_pid=
cleanup() { [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

images=${TMPDIR:-/tmp}/podctl-test-images
[ -f "$images/busybox-docker.tar" ] || "$here/deploy/images/build-test-images.sh" "$images" >/dev/null

# The image: a copy of the OCI test layout, plus a 100 MiB random layer (umoci).
cp -a "$images/oci" "$work/oci"
mkdir -p "$work/payload"
head -c $((100 << 20)) /dev/urandom > "$work/payload/random.bin"
tar -C "$work/payload" -cf "$work/payload.tar" random.bin
umoci raw add-layer --image "$work/oci:1" "$work/payload.tar"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.05; done
ref=127.0.0.1:$port/big:1
skopeo copy --quiet --insecure-policy --dest-tls-verify=false "oci:$work/oci:1" "docker://$ref"
size=$(du -sb "$work/registry/docker/registry/v2/blobs" | cut -f1)

cat > "$work/containers.conf" <<CONF
[engine]
events_logger = "file"
cgroup_manager = "cgroupfs"
CONF

seconds() { local start end; start=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }; end=$EPOCHREALTIME; echo "$end - $start" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

pull_podctl() { rm -rf "$work/podctl"; seconds "$podctl" image pull --quiet --root "$work/podctl/lib" --run-root "$work/podctl/run" "$ref"; }
copy_oci() { rm -rf "$work/out"; seconds skopeo copy --quiet --insecure-policy --src-tls-verify=false "docker://$ref" "oci:$work/out:big"; }
copy_dir() { rm -rf "$work/out"; seconds skopeo copy --quiet --insecure-policy --src-tls-verify=false "docker://$ref" "dir:$work/out"; }
pull_podman() {
  rm -rf "$work/podman"
  CONTAINERS_CONF=$work/containers.conf seconds unshare --mount --propagation private \
    podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver overlay pull --quiet --tls-verify=false "$ref"
}

echo "image: busybox + 100 MiB random layer, $((size / 1048576)) MiB of blobs on the registry; $runs runs each, medians (s)"
for tool in pull_podctl copy_oci copy_dir pull_podman; do
  samples=()
  for _ in $(seq "$runs"); do samples+=("$($tool)"); done
  printf '%-12s median %.2f  runs %s\n' "$tool" "$(printf '%s\n' "${samples[@]}" | median)" "$(printf '%.2f ' "${samples[@]}")"
done
