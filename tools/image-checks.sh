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
  [ -n "${mnt:-}" ] && umount "$mnt/sys" "$mnt/proc" 2>/dev/null || true
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
# The image's sensor capturing for real, as the DaemonSet runs it: the host's /proc and /sys,
# root with only the DaemonSet's capabilities (every other one dropped from the bounding
# set), no CAP_SYS_ADMIN. An untrusted read of /etc/shadow on the host must alert. Without
# CAP_BPF the same run must be refused (so the capability drop is real).
mnt=$(buildah mount "$ctr")
mount --bind /proc "$mnt/proc"
mount --bind /sys "$mnt/sys"
all_caps=$(for i in $(seq 0 63); do capsh --decode=$(printf '%x' $((1 << i))) 2>/dev/null | sed 's/.*=//'; done | grep '^cap_' | sort -u)
caps_but() {  # the capabilities to drop so that only "$@" remain
  for c in $all_caps; do echo " $* " | grep -q " $c " || echo "$c"; done | paste -sd, -
}
daemonset_caps="cap_bpf cap_perfmon cap_sys_resource cap_sys_ptrace cap_dac_read_search"
run_in_image() {  # drop-list, seconds, output file: sensor run from the image, shadow read meanwhile
  timeout -s INT "$2" capsh --chroot="$mnt" --drop="$1" --shell=/usr/bin/sensor -- \
    run -c /etc/sensor/sensor.yaml >"$3" 2>"$3.err" &
  local pid=$!
  for _ in $(seq 50); do grep -q "ready" "$3.err" 2>/dev/null && break; sleep 0.1; done
  cat /etc/shadow >/dev/null
  wait "$pid" || true
}
run_in_image "$(caps_but $daemonset_caps)" 6 "$cache/run.out"
if grep -q '"fd.name":"/etc/shadow"' "$cache/run.out" && grep -q "ready" "$cache/run.out.err"; then
  ok "the image's sensor alerts on a host /etc/shadow read with the DaemonSet's capabilities"
else
  bad "capture in the image: $(tail -3 "$cache/run.out.err")"
fi
run_in_image "$(caps_but cap_perfmon cap_sys_resource cap_sys_ptrace cap_dac_read_search)" 4 "$cache/nobpf.out"
if grep -q "CAP_BPF" "$cache/nobpf.out.err" && ! grep -q "ready" "$cache/nobpf.out.err"; then
  ok "without CAP_BPF the image's sensor refuses to start, naming it"
else
  bad "run without CAP_BPF: $(tail -3 "$cache/nobpf.out.err")"
fi
umount "$mnt/sys" "$mnt/proc"
buildah umount "$ctr" >/dev/null

echo "image size: $(buildah images --format '{{.Size}}' "$image")"
echo "image checks: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
