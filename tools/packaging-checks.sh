#!/usr/bin/env bash
# Packaging checks, as root, against a built tree (default build/):
#  - the .deb (CPack) installs here, its binary validates the installed rules and prints its
#    version, its systemd unit passes `systemd-analyze verify` without a message; then it is
#    purged again;
#  - the Kubernetes manifests render with `kubectl kustomize` and every object validates
#    against the Kubernetes schemas (npm kubernetes-models); the sensor loads the rules the
#    way the DaemonSet mounts them (a ConfigMap directory);
#  - the Helm chart: metadata, values.yaml against values.schema.json, and every .Values path
#    its templates use is defined (Helm itself is not installable here).
# Each check is first shown to fail on a broken input, so a silent tool cannot pass it.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
trap 'dpkg --purge sensor >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

# --- .deb and systemd unit
rm -f "$build"/sensor_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/sensor_*.deb)
if dpkg -i "$deb" >/dev/null; then ok "deb installs ($(basename "$deb"))"; else bad "deb install"; fi
if /usr/bin/sensor --version | grep -q "^sensor "; then ok "installed sensor --version"; else bad "installed --version"; fi
for m in sensor-http.so sensor-cri.so; do
  if /usr/bin/sensor --version | grep -q "^module $m: /usr/lib/sensor/$m$"; then ok "installed module $m loads"; else bad "installed module $m: $(/usr/bin/sensor --version)"; fi
done
if /usr/bin/sensor -r /etc/sensor/rules/ >/dev/null; then ok "installed sensor -r /etc/sensor/rules/"; else bad "installed rules validate"; fi
sed 's/^Type=notify/Type=nonsense/' /lib/systemd/system/sensor.service > "$tmp/broken.service"
if [ -n "$(systemd-analyze verify "$tmp/broken.service" 2>&1)" ]; then ok "systemd-analyze flags a broken unit"; else bad "systemd-analyze accepted a broken unit"; fi
out=$(systemd-analyze verify /lib/systemd/system/sensor.service 2>&1 || true)
if [ -z "$out" ]; then ok "systemd unit verifies"; else bad "systemd unit: $out"; fi
dpkg --purge sensor >/dev/null
if [ ! -e /usr/bin/sensor ] && [ ! -e /etc/sensor ]; then ok "deb purges cleanly"; else bad "deb purge left files"; fi

# --- Kubernetes manifests and chart
tools_dir="$build/k8s-tools"
mkdir -p "$tools_dir"
cp tools/k8s/package.json tools/k8s/*.mjs "$tools_dir/"
(cd "$tools_dir" && npm install --no-audit --no-fund --silent >/dev/null 2>&1)
kubectl kustomize packaging/kubernetes > "$tmp/rendered.yaml"
sed 's/containerPort: 8765/containerPort: "eighty"/' "$tmp/rendered.yaml" > "$tmp/broken.yaml"
if ! node "$tools_dir/validate-manifests.mjs" < "$tmp/broken.yaml" >/dev/null 2>&1; then ok "schema check flags a broken manifest"; else bad "schema check accepted a broken manifest"; fi
if node "$tools_dir/validate-manifests.mjs" < "$tmp/rendered.yaml"; then ok "manifests render and validate"; else bad "manifests"; fi
# The rules as the DaemonSet mounts them: defaults plus a ConfigMap directory (..data links).
cm="$tmp/rules.d"
mkdir -p "$cm/..2026_01_01_00_00_00.1"
cp packaging/kubernetes/custom-rules.yaml "$cm/..2026_01_01_00_00_00.1/"
ln -s ..2026_01_01_00_00_00.1 "$cm/..data"
ln -s ..data/custom-rules.yaml "$cm/custom-rules.yaml"
if "$build/sensor" -r rules/ -r "$cm" >/dev/null; then ok "rules load from a ConfigMap directory"; else bad "ConfigMap rules"; fi
cp -r packaging/helm/sensor "$tmp/chart"
sed -i 's/\.Values\.image\.tag/.Values.image.tagg/' "$tmp/chart/templates/daemonset.yaml"
if ! node "$tools_dir/check-chart.mjs" "$tmp/chart" >/dev/null 2>&1; then ok "chart check flags an undefined value"; else bad "chart check accepted an undefined value"; fi
if node "$tools_dir/check-chart.mjs" packaging/helm/sensor; then ok "chart"; else bad "chart"; fi

echo "packaging: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
