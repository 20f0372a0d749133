#!/bin/sh
# Builds a pause image from podctl's pod-pause, offline, for containerd's sandbox_image
# in podbench's CRI phase (registry.k8s.io/pause is not reachable here):
#
#   deploy/images/build-pause-image.sh OUT.tar POD-PAUSE
#
# OUT.tar is a docker-archive of localhost/podbench-pause:1, one layer holding /pause
# (pod-pause is static, docs/pause-and-init.md), entrypoint /pause. Needs umoci and skopeo.
set -eu
out=${1:?usage: $0 OUT.tar POD-PAUSE}
pause=${2:?usage: $0 OUT.tar POD-PAUSE}
for tool in umoci skopeo; do
    command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umoci init --layout "$work/oci"
umoci new --image "$work/oci:1"
umoci unpack --image "$work/oci:1" "$work/bundle"
cp "$pause" "$work/bundle/rootfs/pause"
chmod 0755 "$work/bundle/rootfs/pause"
umoci repack --image "$work/oci:1" "$work/bundle"
umoci config --image "$work/oci:1" --config.entrypoint /pause
rm -f "$out"
skopeo copy -q "oci:$work/oci:1" "docker-archive:$out:localhost/podbench-pause:1"
