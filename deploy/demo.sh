#!/usr/bin/env bash
# The README's first command: install podctl, build the demo image offline from
# Debian's busybox-static, and run the web pod of pods/web.yaml (a web server and a
# sidecar that writes its page into a shared emptyDir), published on hostPort 8080
# (podctl makes the podctl0 bridge and its nftables table). The pod keeps running;
# `podctl delete pod web` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install.sh

images=/var/lib/podctl-demo-images
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
step busybox wget -qO- http://127.0.0.1:8080/      # the hostPort, through podctl's nftables map
step podctl logs web -c httpd --timestamps
step podctl exec web -c httpd -- ps
echo
echo "demo: the pod is running; 'podctl get pods', 'podctl logs web -c httpd -f', 'podctl exec -it web -- sh', 'podctl delete pod web'"
