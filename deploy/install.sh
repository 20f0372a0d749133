#!/usr/bin/env bash
# Installs podctl on this machine: Debian packages, a release build, and the binaries
# under /usr/local/bin. Run as root from the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

# --cri also builds and installs podctl-cri, the CRI endpoint (docs/cri.md); gRPC adds
# several minutes to the build, so it is not built unless asked for.
cri=false
if [ "${1:-}" = "--cri" ]; then cri=true; fi

bash deploy/deps.sh
echo "install: building podctl (release)" >&2
if $cri; then bash deploy/build-release.sh podctl-cri; else bash deploy/build-release.sh; fi
bin=$(swift build -c release --show-bin-path)
install -m 0755 "$bin/podctl" /usr/local/bin/podctl
# The helpers live beside each other; podctl finds them in ../libexec/podctl, and the
# full command line, podctl-cli, there too: podctl runs exec itself and execs it for the rest.
install -d -m 0755 /usr/local/libexec/podctl
for helper in podctl-cli pod-helper pod-supervisor pod-network pod-pause pod-dns; do
  install -m 0755 "$bin/$helper" /usr/local/libexec/podctl/$helper
done
# pause and init are one binary chosen by its name: a hard link shares its pages.
ln -f /usr/local/libexec/podctl/pod-pause /usr/local/libexec/podctl/pod-init
install -d -m 0700 /var/lib/podctl
# Pods back after a reboot: the unit runs `podctl restore -A` at boot (docs/runtime.md).
if [ -d /etc/systemd/system ]; then
  install -m 0644 deploy/podctl-restore.service /etc/systemd/system/podctl-restore.service
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload && systemctl enable podctl-restore.service >&2
  else
    echo "install: systemd is not running; enable podctl-restore.service when it is" >&2
  fi
fi
# A user's pods back at login (or at boot with linger): the same command in the user's
# manager (docs/rootless.md); each user enables it with systemctl --user.
if [ -d /etc/systemd ]; then
  install -d -m 0755 /etc/systemd/user
  install -m 0644 deploy/podctl-restore-user.service /etc/systemd/user/podctl-restore.service
fi
if $cri; then
  install -m 0755 "$bin/podctl-cri" /usr/local/bin/podctl-cri
  install -d -m 0755 /usr/local/share/doc/podctl
  install -m 0644 docs/cri.md /usr/local/share/doc/podctl/cri.md
  if [ -d /etc/systemd/system ]; then
    install -m 0644 deploy/cri/podctl-cri.service /etc/systemd/system/podctl-cri.service
    [ -d /run/systemd/system ] && systemctl daemon-reload
    echo "install: enable the endpoint with systemctl enable --now podctl-cri" >&2
  fi
fi
echo "install: $(/usr/local/bin/podctl version) installed in /usr/local/bin" >&2
