#!/bin/sh
# Builds podctl's test images, offline, from Debian's busybox-static.
#
#   deploy/images/build-test-images.sh OUTDIR
#
# OUTDIR/rootfs/               a root filesystem: busybox and its applets in /bin,
#                              /etc/passwd and /etc/group (root, nobody), /tmp
# OUTDIR/busybox.tar           that rootfs as a plain tar   } sources for
# OUTDIR/busybox.tar.gz        ... gzip                     } `podctl image import`
# OUTDIR/busybox.tar.zst       ... zstd                     }
# OUTDIR/oci/                  an OCI image layout made by umoci, tag "1"
# OUTDIR/busybox-docker.tar    a docker-archive (docker save format), localhost/busybox:1
# OUTDIR/busybox-oci.tar       an OCI archive (tar of a layout), localhost/busybox:1
#
# Needs: busybox-static, umoci, skopeo, zstd, GNU tar and gzip. Run as root, so that
# the tars can say uid 0 and modes are what they claim.
#
# Idempotent: every output is made anew from a fixed timestamp (SOURCE_DATE_EPOCH,
# reproducible-builds.org), so two runs give the same images: the same blobs, digests
# and image IDs. (The OCI archive's own tar headers carry the time skopeo wrote them.)
set -eu

out=${1:?usage: $0 OUTDIR}
busybox=${BUSYBOX:-/bin/busybox}
epoch=${SOURCE_DATE_EPOCH:-1704067200}            # 2024-01-01T00:00:00Z
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
path_env=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

for tool in umoci skopeo zstd tar gzip; do
    command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
[ -x "$busybox" ] || { echo "error: $busybox is missing (apt-get install -y busybox-static)" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- the root filesystem -----------------------------------------------------------
rootfs="$out/rootfs"
rm -rf "$rootfs"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$rootfs/etc/group"
chmod 0755 "$rootfs" "$rootfs/bin" "$rootfs/etc" "$rootfs/bin/busybox"
chmod 0700 "$rootfs/root"
chmod 1777 "$rootfs/tmp"
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"
find "$rootfs" -exec touch -h -d "@$epoch" {} +

# --- import sources ----------------------------------------------------------------
tar_rootfs() {
    tar --create --file=- --directory="$rootfs" --sort=name --numeric-owner \
        --owner=0 --group=0 --mtime="@$epoch" --format=pax \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime .
}
tar_rootfs > "$out/busybox.tar"
gzip -n -c "$out/busybox.tar" > "$out/busybox.tar.gz"
zstd -q -f -c "$out/busybox.tar" > "$out/busybox.tar.zst"

# --- OCI layout (umoci) ------------------------------------------------------------
layout="$work/oci"
umoci init --layout "$layout"
umoci new --image "$layout:1"
umoci raw add-layer --image "$layout:1" --history.created "$created" \
    --history.created_by "build-test-images.sh: busybox rootfs" "$out/busybox.tar"
umoci config --image "$layout:1" --created "$created" --history.created "$created" \
    --config.cmd sh --config.env "PATH=$path_env" --config.workingdir / \
    --config.label org.opencontainers.image.title=busybox
umoci gc --layout "$layout"
rm -rf "$out/oci"
mv "$layout" "$out/oci"

# --- docker-archive and OCI archive (skopeo) ----------------------------------------
# --insecure-policy: the source is a local layout we just made; no signature to check.
rm -f "$out/busybox-docker.tar" "$out/busybox-oci.tar"
skopeo --insecure-policy copy --quiet "oci:$out/oci:1" "docker-archive:$out/busybox-docker.tar:localhost/busybox:1"
skopeo --insecure-policy copy --quiet "oci:$out/oci:1" "oci-archive:$out/busybox-oci.tar:localhost/busybox:1"

echo "made in $out:"
echo "  rootfs/              busybox root filesystem ($(ls "$rootfs/bin" | wc -l) entries in /bin)"
for file in busybox.tar busybox.tar.gz busybox.tar.zst busybox-docker.tar busybox-oci.tar; do
    printf '  %-20s %s bytes\n' "$file" "$(stat -c %s "$out/$file")"
done
echo "  oci/                 OCI image layout, tag 1"
echo "load them with:"
echo "  podctl image import $out/busybox.tar localhost/busybox:1"
echo "  podctl image load -i $out/busybox-docker.tar"
echo "  podctl image load -i $out/busybox-oci.tar"
echo "  podctl image load -i $out/oci --name localhost/busybox"
