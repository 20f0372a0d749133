#!/usr/bin/env bash
# Benchmarks podctl against Podman (kube play, crun) side by side, as root:
#   sudo bash deploy/bench.sh [podbench options, e.g. --runs 7 --scale 100]
# Builds the release binaries, installs Podman, crun, conmon and catatonit from Debian's
# packages if missing, then runs podbench, which prints the table and rewrites
# docs/benchmarks.md and docs/benchmarks.svg. Everything runs in a throwaway network and
# mount namespace with its own state roots; see docs/benchmarks.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export PATH=/opt/swift/usr/bin:$PATH

[ "$(id -u)" = 0 ] || { echo "bench: run as root (sudo bash deploy/bench.sh)" >&2; exit 1; }
bash "$here/deploy/deps.sh"

# containerd, runc and the CNI plugins are the CRI phase's other side (podctl-cri against
# containerd through crictl, which Debian 12 does not package: without it that phase is a note).
# The rootless phase runs Podman as an ordinary user: newuidmap/newgidmap (uidmap, also in
# deps.sh, as passt is for podctl's user network) and slirp4netns, Podman 4.3's rootless network.
packages=(podman crun conmon catatonit netavark aardvark-dns golang-github-containers-common containerd runc containernetworking-plugins uidmap passt slirp4netns)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cd "$here"
bash deploy/build-release.sh podbench podctl-cri   # into "$here/.build", the default scratch path
exec "$here/.build/release/podbench" --docs "$here/docs" "$@"
