#!/usr/bin/env bash
# The release build of what podctl ships, product by product, plus the products the
# caller names (bench.sh adds podbench). Building products rather than the whole package
# leaves the test-only targets out: PodTestSupport imports PodImage with @testable,
# which a release build refuses ("module was not compiled for testing").
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
for product in podctl podctl-cli pod-helper pod-supervisor pod-network pod-pause pod-init pod-dns "$@"; do
  swift build -c release --product "$product" 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' >&2
done
