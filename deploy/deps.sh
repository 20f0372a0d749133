#!/usr/bin/env bash
# Installs the Debian packages podctl builds against and its tests use.
# apt-get update runs only when something is missing, so a prepared machine stays offline.
set -euo pipefail

packages=(
  libarchive-dev libseccomp-dev libnftables-dev libcap-dev              # libraries podctl links
  libcurl4-openssl-dev                                                  # registry pulls (libcurl, D30)
  zlib1g-dev                                                            # podctl-cri: grpc-swift-nio-transport links zlib (D61)
  docker-registry apache2-utils openssl curl                            # pull tests: a loopback registry, htpasswd, a test CA
  busybox-static skopeo umoci zstd                                      # test and demo images
  iproute2 nftables util-linux procps                                   # namespaces and network checks in tests
  gcc libc6-dev                                                         # critest's nonewprivs stand-in, a static C program (deploy/cri/e2e-images.sh)
  uidmap                                                                # newuidmap/newgidmap: a non-root user's pod (RootlessPodTests, docs/rootless.md)
  passt                                                                 # pasta: a non-root user's pod network, outbound (D65, RootlessNetworkTests, docs/rootless.md)
  fuse-overlayfs                                                        # a user's container root where the kernel refuses overlayfs in a user namespace (D71, RootlessOverlayTests)
  qemu-system-x86                                                       # the cgroup v2 test guest (deploy/cgroup2-guest.sh)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "deps: swift is at /opt/swift/usr/bin; add it to PATH (the scripts here do)" >&2
  else
    echo "deps: Swift 6 is needed: install a Swift toolchain under /opt/swift (swift.org) and run again" >&2
    exit 1
  fi
fi
