#!/usr/bin/env bash
# Container image check, as root: builds packaging/Dockerfile with buildah (chroot isolation)
# and runs the image's own binary in it: --version (with its modules found), -r on the
# image's rules, and a broken rules file refused with its line. No registry is reachable
# here, so the Debian 12 base is made with debootstrap from Debian's mirror and imported into
# buildah's storage (cached in $SENSOR_IMAGE_CACHE between runs on one machine).
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${SENSOR_IMAGE_CACHE:-/var/tmp/sensor-image}
base=localhost/sensor-debian-base:12
image=localhost/sensor:check
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
ctr=""
cleanup() {
  [ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1 || true
  buildah rmi -f "$image" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- the Debian 12 base image
if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
  rootfs="$cache/rootfs"
  if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
    rm -rf "$rootfs"
    mkdir -p "$cache"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 \
      || { tail -20 "$cache/debootstrap.log"; exit 1; }
    # The same suites as the official debian:12 image, security updates included.
    rm -f "$rootfs/etc/apt/sources.list"
    cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    chroot "$rootfs" apt-get clean
  fi
  c=$(buildah from scratch)
  mnt=$(buildah mount "$c")
  tar -C "$rootfs" -cf - . | tar -C "$mnt" -xf -
  buildah umount "$c" >/dev/null
  buildah config --cmd /bin/bash "$c"
  buildah commit -q "$c" "$base" >/dev/null
  buildah rm "$c" >/dev/null
fi
ok "Debian 12 base image ($base)"

# --- the build
start=$(date +%s)
if buildah bud --isolation chroot --layers=false -q --build-arg BASE="$base" \
     --build-arg RUNTIME_BASE="$base" -f packaging/Dockerfile -t "$image" . >"$cache/build.log" 2>&1; then
  ok "image builds ($(($(date +%s) - start)) s)"
else
  tail -40 "$cache/build.log"
  bad "image build"
  echo "image checks: $pass passed, $fail failed"
  exit 1
fi

# --- the image's binary, in the image
ctr=$(buildah from "$image")
in_image() { buildah run --isolation chroot "$ctr" -- "$@"; }
version=$(in_image /usr/bin/sensor --version 2>&1 || true)
if echo "$version" | grep -q "^sensor 0\|^sensor [0-9]"; then ok "sensor --version in the image"; else bad "--version: $version"; fi
for m in sensor-http.so sensor-cri.so; do
  if echo "$version" | grep -q "^module $m: /usr/lib/sensor/$m$"; then ok "module $m loads in the image"; else bad "module $m: $version"; fi
done
if out=$(in_image /usr/bin/sensor -r /etc/sensor/rules/ 2>&1); then ok "sensor -r /etc/sensor/rules/ in the image"; else bad "rules in the image: $out"; fi
# A broken rule must be refused inside the image too (so the check above is not vacuous).
printf -- '- rule: broken\n  desc: x\n  condition: evt.type = open and (\n  output: x\n  priority: WARNING\n' >"$cache/broken.yaml"
buildah copy -q "$ctr" "$cache/broken.yaml" /tmp/broken.yaml >/dev/null
if out=$(in_image /usr/bin/sensor -r /tmp/broken.yaml 2>&1); then
  bad "a broken rule passed in the image"
elif echo "$out" | grep -q "broken.yaml:3"; then
  ok "a broken rule is refused in the image with its line"
else
  bad "broken rule message: $out"
fi
echo "image size: $(buildah images --format '{{.Size}}' "$image")"
echo "image checks: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
