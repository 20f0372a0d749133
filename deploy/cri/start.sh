#!/usr/bin/env bash
# Starts podctl-cri, the CRI v1 endpoint (docs/cri.md), in the foreground, without systemd.
# Builds it first (release) when it is not built. Settings come from the environment, as
# for podctl: PODCTL_ROOT, PODCTL_RUN_ROOT, PODCTL_CGROUP_ROOT, PODCTL_REGISTRIES_CONF,
# PODCTL_CRI_SOCKET (default /run/podctl/cri.sock); arguments are passed on
# (deploy/cri/start.sh --socket /tmp/cri.sock).
#   crictl --runtime-endpoint unix:///run/podctl/cri.sock version
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=/opt/swift/usr/bin:$PATH
if [ "$(id -u)" -ne 0 ]; then
  echo "start: podctl-cri needs root (it runs pods and owns /run/podctl)" >&2
  exit 1
fi
binary=/usr/local/bin/podctl-cri
if [ ! -x "$binary" ]; then
  bash deploy/deps.sh
  echo "start: building podctl-cri (release; gRPC makes the first build take several minutes)" >&2
  bash deploy/build-release.sh podctl-cri
  binary="$(swift build -c release --show-bin-path)/podctl-cri"
fi
exec "$binary" "$@"
