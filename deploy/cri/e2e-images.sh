#!/bin/sh
# Builds the stand-ins of the images critest v1.32.0's sandbox and container specs run,
# offline, from Debian packages, into an OCI layout (called by deploy/cri/test-images.sh):
#
#   deploy/cri/e2e-images.sh LAYOUT
#
# Every image is one base layer and, but for busybox, one layer of its own:
#
#   e2e-busybox      registry.k8s.io/e2e-test-images/busybox:1.29-2 (critest's default).
#                    Debian's dynamically linked busybox, its applets hard links in /bin as
#                    in the upstream image: busybox-static runs applets inside its shell
#                    (FEATURE_SH_STANDALONE), so with /bin/ls masked `sh -c ls` still
#                    listed, and a symbolic link would mask busybox itself; the MaskedPaths
#                    spec wants "/bin/sh: ls: Permission denied". Plus pgrep (procps) and
#                    ipcs (util-linux), which busybox lacks (the exec-timeout and HostIpc
#                    specs), with their shared libraries.
#   e2e-nginx        …/nginx:1.14-2: the base and Debian's nginx, `nginx -g "daemon off;"`,
#                    HTTP 200 on port 80, pid file /var/run/nginx.pid, its master's command
#                    line "nginx: master process …" (the HostPID, PodPID, ContainerPID and
#                    port mapping specs).
#   e2e-hostnet      gcr.io/k8s-staging-cri-tools/hostnet-nginx-amd64: the same nginx on
#                    port 12003 (cri-tools' images/hostnet-nginx).
#   e2e-httpd        …/httpd:2.4.39-4: busybox's httpd on port 80 in the foreground, its
#                    first line on stderr naming it "httpd" (Apache's image logs
#                    "AH00558: httpd: …" first; the spec looks for "httpd" in the log).
#   e2e-nonewprivs   …/nonewprivs:1.3: deploy/cri/nnp.c built static, setuid root.
#
# Debian's busybox conflicts with busybox-static and nginx's package starts a service, so
# both are fetched with `apt-get download` (the configured package mirror) and unpacked
# here, never installed; DEBS=DIR takes busybox_*.deb and nginx_*.deb from DIR instead.
# Needs: umoci, procps, util-linux, a C compiler with static glibc (deploy/deps.sh).
set -eu

layout=${1:?usage: $0 LAYOUT}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/podctl-e2e-images.XXXXXX)
trap 'rm -rf "$work"' EXIT
epoch=${SOURCE_DATE_EPOCH:-1704067200}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
path_env=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# --- the Debian packages -----------------------------------------------------------
debs=${DEBS:-$work/debs}
if [ -z "${DEBS:-}" ]; then
    mkdir -p "$debs"
    (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root busybox nginx >/dev/null) ||
        { echo "error: apt-get download busybox nginx failed (run apt-get update, or set DEBS=DIR)" >&2; exit 1; }
fi
unpack() {  # unpack PACKAGE: its files under $work/pkg/PACKAGE
    deb=$(ls "$debs/$1"_*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || { echo "error: no $1_*.deb in $debs" >&2; exit 1; }
    mkdir -p "$work/pkg/$1"
    dpkg-deb -x "$deb" "$work/pkg/$1"
}
unpack busybox
unpack nginx

# install_binary ROOT FILE [DEST]: FILE at DEST (default FILE's own path) in ROOT, with
# every shared library ldd finds for it at the path ldd names (the loader's default
# directories, so the image needs no ld.so.cache).
install_binary() {
    root=$1; file=$2; dest=${3:-$2}
    mkdir -p "$root$(dirname "$dest")"
    cp -L "$file" "$root$dest"
    ldd "$file" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | while read -r lib; do
        [ -e "$root$lib" ] && continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
}

# layer TAG DIR [created_by]: DIR as a new layer on top of TAG.
layer() {
    find "$2" -exec touch -h -d "@$epoch" {} +
    tar --create --file="$work/layer.tar" --directory="$2" --sort=name --numeric-owner \
        --owner=0 --group=0 --mtime="@$epoch" --format=pax \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime .
    umoci raw add-layer --image "$layout:$1" --history.created "$created" \
        --history.created_by "e2e-images.sh: $3" "$work/layer.tar"
    rm -f "$work/layer.tar"
}

# --- the base: busybox (dynamic, hard links), pgrep, ipcs -------------------------------
base="$work/base"
mkdir -p "$base/bin" "$base/etc" "$base/tmp" "$base/root" "$base/var/run" "$base/usr/bin"
install_binary "$base" "$work/pkg/busybox/bin/busybox" /bin/busybox
for applet in $("$base/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -f "$base/bin/busybox" "$base/bin/$applet"
done
install_binary "$base" "$(command -v pgrep)" /usr/bin/pgrep
install_binary "$base" "$(command -v ipcs)" /usr/bin/ipcs
cat > "$base/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nginx:x:101:101:nginx:/nonexistent:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
printf 'root:x:0:\nwww-data:x:33:\nnginx:x:101:\nnogroup:x:65534:\n' > "$base/etc/group"
chmod 0700 "$base/root"
chmod 1777 "$base/tmp"

umoci new --image "$layout:e2e-busybox"
layer e2e-busybox "$base" "busybox (Debian, dynamic, hard links), pgrep, ipcs"
umoci config --image "$layout:e2e-busybox" --created "$created" --history.created "$created" \
    --config.cmd sh --config.env "PATH=$path_env" --config.workingdir / \
    --config.label org.opencontainers.image.title=busybox

# --- nginx on port 80, and on 12003 for the host-network image ---------------------------
nginx_image() {  # nginx_image TAG PORT
    root="$work/$1"
    mkdir -p "$root/etc/nginx" "$root/usr/share/nginx/html" "$root/var/log/nginx" \
        "$root/var/lib/nginx" "$root/var/run"
    install_binary "$root" "$work/pkg/nginx/usr/sbin/nginx" /usr/sbin/nginx
    cat > "$root/etc/nginx/nginx.conf" <<EOF
user nginx;
worker_processes 1;
error_log /dev/stderr notice;
pid /var/run/nginx.pid;
events { worker_connections 256; }
http {
    access_log /dev/stdout;
    types { text/html html; }
    default_type application/octet-stream;
    server {
        listen $2;
        root /usr/share/nginx/html;
        index index.html;
    }
}
EOF
    printf '<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n<h1>Welcome to nginx!</h1>\n' \
        > "$root/usr/share/nginx/html/index.html"
    umoci tag --image "$layout:e2e-busybox" "$1"
    layer "$1" "$root" "nginx (Debian) on port $2"
    umoci config --image "$layout:$1" --created "$created" --history.created "$created" \
        --clear config.cmd --config.cmd nginx --config.cmd -g --config.cmd 'daemon off;' \
        --config.exposedports "$2/tcp" --config.stopsignal SIGQUIT \
        --config.label org.opencontainers.image.title=nginx
}
nginx_image e2e-nginx 80
nginx_image e2e-hostnet 12003

# --- httpd: busybox's, in the foreground on port 80 -------------------------------------
root="$work/httpd"
mkdir -p "$root/usr/local/apache2/htdocs" "$root/usr/local/bin"
printf '<html><body><h1>It works!</h1></body></html>\n' > "$root/usr/local/apache2/htdocs/index.html"
cat > "$root/usr/local/bin/httpd-foreground" <<'EOF'
#!/bin/sh
# A stand-in for Apache's httpd-foreground: busybox's httpd, every request logged.
echo "httpd: serving /usr/local/apache2/htdocs on port 80 (busybox httpd)" >&2
exec httpd -f -vv -p 80 -h /usr/local/apache2/htdocs
EOF
chmod 0755 "$root/usr/local/bin/httpd-foreground"
umoci tag --image "$layout:e2e-busybox" e2e-httpd
layer e2e-httpd "$root" "httpd (busybox) on port 80"
umoci config --image "$layout:e2e-httpd" --created "$created" --history.created "$created" \
    --clear config.cmd --config.cmd httpd-foreground --config.exposedports 80/tcp \
    --config.label org.opencontainers.image.title=httpd

# --- nonewprivs: a static setuid-root program -------------------------------------------
root="$work/nonewprivs"
mkdir -p "$root/usr/local/bin"
cc -static -O2 -o "$root/usr/local/bin/nnp" "$here/nnp.c"
chmod 4755 "$root/usr/local/bin/nnp"
umoci tag --image "$layout:e2e-busybox" e2e-nonewprivs
layer e2e-nonewprivs "$root" "nnp (deploy/cri/nnp.c), setuid root"
umoci config --image "$layout:e2e-nonewprivs" --created "$created" --history.created "$created" \
    --clear config.cmd --config.entrypoint /usr/local/bin/nnp \
    --config.label org.opencontainers.image.title=nonewprivs
umoci gc --layout "$layout"
