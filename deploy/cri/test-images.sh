#!/bin/sh
# Builds critest v1.32.0's stand-in images, offline, from Debian packages, and pushes them
# to a registry (a loopback docker-registry):
#
#   deploy/cri/test-images.sh 127.0.0.1:5000
#
# then mirror gcr.io and registry.k8s.io there in registries.conf (docs/cri.md,
# "Registry mirrors"). What the specs look at, and what each image is here:
#
#   gcr.io/k8s-staging-cri-tools/test-image-latest, test-image-tag:test, :all
#                                               busybox, three different images (the
#                                               specs check each has only its own tag)
#   …/test-image-user-uid                       User 1002
#   …/test-image-user-username                  User www-data
#   …/test-image-user-uid-group                 User 1003:users
#   …/test-image-user-username-group            User www-data:users
#   …/test-image-predefined-group               User 1000: default-user (1000:1000), member of group 50000 in /etc/group
#   …/test-image-1, -2, -3 :latest              three different images (a label each)
#   …/test-image-tags:1, :2, :3                 one image under three tags
#
# Those are podctl's busybox-static test image. The images the sandbox and container
# specs run are made by deploy/cri/e2e-images.sh (what each spec needs of them is said
# there):
#
#   registry.k8s.io/e2e-test-images/busybox:1.29-2   critest's default image
#   registry.k8s.io/e2e-test-images/nginx:1.14-2     nginx on port 80
#   registry.k8s.io/e2e-test-images/httpd:2.4.39-4   httpd on port 80
#   registry.k8s.io/e2e-test-images/nonewprivs:1.3   setuid root, prints its euid
#   gcr.io/k8s-staging-cri-tools/hostnet-nginx-amd64 nginx on port 12003
#
# test-image-digest@sha256:… is pinned to the upstream manifest and cannot be made
# offline: its spec is skipped by name. Nothing else critest v1.32.0 pulls is missing
# (pkg/validate; the benchmarks' images are not pulled, the benchmarks are skipped).
#
# Needs: busybox-static, umoci, skopeo and what e2e-images.sh needs (deploy/deps.sh
# installs them). Idempotent.
set -eu

target=${1:?usage: $0 REGISTRY_HOST:PORT}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/podctl-cri-images.XXXXXX)
trap 'rm -rf "$work"' EXIT
epoch=${SOURCE_DATE_EPOCH:-1704067200}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

# The busybox OCI layout of podctl's own test images (tag "1").
sh "$here/../images/build-test-images.sh" "$work/base" >/dev/null
cp -r "$work/base/oci" "$work/oci"
layout="$work/oci"

# variant NAME [umoci config options…]: a copy of busybox tagged NAME, its config changed.
variant() {
    name=$1; shift
    umoci tag --image "$layout:1" "$name"
    if [ "$#" -gt 0 ]; then
        umoci config --image "$layout:$name" --created "$created" --history.created "$created" "$@"
    fi
}

push() {  # push TAG REFERENCE (the registry path under $target)
    skopeo copy --quiet --insecure-policy --dest-tls-verify=false "oci:$layout:$1" "docker://$target/$2"
}

variant latest --config.label podctl.test-image=latest
variant tagtest --config.label podctl.test-image=tag-test
variant tagall --config.label podctl.test-image=tag-all
variant tags --config.label podctl.test-image=tags
variant uid --config.user 1002
variant username --config.user www-data
variant uidgroup --config.user 1003:users
variant usernamegroup --config.user www-data:users
variant predefined --config.user 1000
# As cri-tools' own image: default-user (1000:1000) is a member of group-defined-in-image
# (50000) in /etc/group, which the SupplementalGroupsPolicy specs read.
umoci unpack --image "$layout:predefined" "$work/predefined" >/dev/null
printf 'default-user:x:1000:1000::/home/default-user:/bin/sh\n' >> "$work/predefined/rootfs/etc/passwd"
printf 'default-user:x:1000:\ngroup-defined-in-image:x:50000:default-user\n' >> "$work/predefined/rootfs/etc/group"
umoci repack --image "$layout:predefined" --history.created "$created" "$work/predefined" >/dev/null
variant one --config.label podctl.test-image=1
variant two --config.label podctl.test-image=2
variant three --config.label podctl.test-image=3
sh "$here/e2e-images.sh" "$layout"

staging=k8s-staging-cri-tools
push latest "$staging/test-image-latest:latest"
push tagtest "$staging/test-image-tag:test"
push tagall "$staging/test-image-tag:all"
push uid "$staging/test-image-user-uid:latest"
push username "$staging/test-image-user-username:latest"
push uidgroup "$staging/test-image-user-uid-group:latest"
push usernamegroup "$staging/test-image-user-username-group:latest"
push predefined "$staging/test-image-predefined-group:latest"
push one "$staging/test-image-1:latest"
push two "$staging/test-image-2:latest"
push three "$staging/test-image-3:latest"
for tag in 1 2 3; do push tags "$staging/test-image-tags:$tag"; done
push e2e-busybox "e2e-test-images/busybox:1.29-2"
push e2e-nginx "e2e-test-images/nginx:1.14-2"
push e2e-httpd "e2e-test-images/httpd:2.4.39-4"
push e2e-nonewprivs "e2e-test-images/nonewprivs:1.3"
push e2e-hostnet "$staging/hostnet-nginx-amd64:latest"
echo "test-images: pushed to $target (mirror gcr.io and registry.k8s.io there: docs/cri.md)" >&2
