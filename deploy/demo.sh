#!/usr/bin/env bash
# The README's first command: install podctl, build the demo image offline from
# Debian's busybox-static, and run the web pod of pods/web.yaml (a web server and a
# sidecar that writes its page into a shared emptyDir), published on hostPort 8080
# (podctl makes the podctl0 bridge and its nftables table). The pod keeps running;
# `podctl delete pod web` removes it.
#
# As an ordinary user (docs/rootless.md): run `sudo bash deploy/install.sh` once, then
# `bash deploy/demo.sh` as yourself. The script then installs nothing, builds the image
# into ~/.cache/podctl-demo-images and runs the pod with your own state
# (~/.local/share/podctl); hostPort 8080 answers on 127.0.0.1 through your forwarder.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  bash deploy/install.sh
  images=/var/lib/podctl-demo-images
else
  if ! command -v podctl >/dev/null 2>&1; then
    echo "demo: podctl is not installed: run 'sudo bash deploy/install.sh' once (it also installs uidmap, passt and fuse-overlayfs), then 'bash deploy/demo.sh' again as yourself" >&2
    exit 1
  fi
  images=${XDG_CACHE_HOME:-$HOME/.cache}/podctl-demo-images
fi
bash deploy/images/build-test-images.sh "$images" >/dev/null
step() { echo; echo "\$ $*"; "$@"; }

step podctl image load -i "$images/busybox-docker.tar"
step podctl image ls
step podctl apply -f pods/web.yaml
for _ in $(seq 100); do
  podctl exec web -c content -- test -s /www/index.html 2>/dev/null && break
  sleep 0.1
done
step podctl get pods -o wide
step podctl exec web -c content -- wget -qO- http://127.0.0.1/
# The hostPort: root's through podctl's nftables map, a user's through the user's forwarder.
for _ in $(seq 50); do
  busybox wget -qO /dev/null http://127.0.0.1:8080/ 2>/dev/null && break
  sleep 0.1
done
step busybox wget -qO- http://127.0.0.1:8080/
step podctl logs web -c httpd --timestamps
step podctl exec web -c httpd -- ps
echo
echo "demo: the pod is running; 'podctl get pods', 'podctl logs web -c httpd -f', 'podctl exec -it web -- sh', 'podctl delete pod web'"
