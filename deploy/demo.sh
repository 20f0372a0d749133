#!/usr/bin/env bash
# The README's first command: install podctl and run the demo from pods/.
# Today podctl validates manifests (the runtime is being built): the demo checks
# every example pod as `kubectl apply --dry-run=client` would, and shows one broken
# manifest being refused with every error and its field path.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install.sh

echo
echo "$ podctl apply --dry-run -f pods/"
podctl apply --dry-run -f pods/
echo
echo "$ podctl apply --dry-run -f pods/web.yaml -o yaml   (the pod as the API server would default it)"
defaulted=$(podctl apply --dry-run -f pods/web.yaml -o yaml)
sed -n 1,40p <<<"$defaulted"
echo "..."
echo
echo "$ podctl apply --dry-run -f -   (a broken manifest)"
broken='apiVersion: v1
kind: Pod
metadata: {name: broken}
spec:
  containers:
  - {name: web, image: busybox, ports: [{containerPort: 70000}]}
  - {name: web, ports: [{containerPort: 80, hostPort: 8080}]}'
if printf '%s\n' "$broken" | podctl apply --dry-run -f -; then
  echo "demo: the broken manifest was accepted" >&2
  exit 1
fi
echo
echo "demo: done"
