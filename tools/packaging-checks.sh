#!/usr/bin/env bash
# Packaging checks, as root, against a built tree (default build/):
#  - the .deb (CPack) installs here, its binary validates the installed rules and prints its
#    version, its systemd unit passes `systemd-analyze verify` without a message; then it is
#    purged again;
#  - the Kubernetes manifests render with `kubectl kustomize` and every object validates
#    against the Kubernetes schemas (npm kubernetes-models): the node DaemonSet (the default),
#    the cluster sensor and the audit log follower, which share one identical Namespace; the
#    sensor loads the rules the way the pods mount them (a ConfigMap directory), the cluster
#    sensor's with the audit rules and the sequences; the node DaemonSet with the node-alerts
#    component posts its alerts (http_output, client certificate) to the alert intake the
#    cluster sensor's config, Deployment and Service expose;
#  - the control-plane audit files: the audit policy logs what it promises (secrets never
#    beyond Metadata, pods/RBAC/workloads at RequestResponse...) and the webhook kubeconfig
#    names an https endpoint with a CA and a client identity;
#  - the Helm chart: metadata, values.yaml against values.schema.json, and every .Values path
#    its templates use is defined (Helm itself is not installable here).
# Each check is first shown to fail on a broken input, so a silent tool cannot pass it.
# `tools/packaging-checks.sh BUILD k8s` runs only the Kubernetes and chart checks (no root, no
# .deb; BUILD/sensor is only run), with the npm tools in $SENSOR_K8S_TOOLS (default
# BUILD/k8s-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
only=${2:-all}
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
if [ "$only" = k8s ]; then
  trap 'rm -rf "$tmp"' EXIT
else
  trap 'dpkg --purge sensor >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
fi

# --- .deb and systemd unit
if [ "$only" != k8s ]; then
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
fi

# --- Kubernetes manifests and chart
tools_dir=${SENSOR_K8S_TOOLS:-$build/k8s-tools}
mkdir -p "$tools_dir"
cp tools/k8s/package.json tools/k8s/*.mjs "$tools_dir/"
(cd "$tools_dir" && npm install --no-audit --no-fund --silent >/dev/null 2>&1)
kubectl kustomize packaging/kubernetes > "$tmp/rendered.yaml"
sed 's/containerPort: 8765/containerPort: "eighty"/' "$tmp/rendered.yaml" > "$tmp/broken.yaml"
if ! node "$tools_dir/validate-manifests.mjs" < "$tmp/broken.yaml" >/dev/null 2>&1; then ok "schema check flags a broken manifest"; else bad "schema check accepted a broken manifest"; fi
if node "$tools_dir/validate-manifests.mjs" < "$tmp/rendered.yaml"; then ok "manifests render and validate"; else bad "manifests"; fi
# The cluster sensor and the audit log follower: separate kustomizations, each rendered and
# validated alone; their Namespace (kustomize puts it first) must be the node DaemonSet's, or
# applying one set would relabel it for the others.
sed -n '1,/^---$/p' "$tmp/rendered.yaml" > "$tmp/namespace.yaml"
for set in cluster-sensor audit-log-follower; do
  kubectl kustomize "packaging/kubernetes/$set" > "$tmp/$set.yaml"
  if node "$tools_dir/validate-manifests.mjs" < "$tmp/$set.yaml"; then ok "$set manifests render and validate"; else bad "$set manifests"; fi
  if grep -q '^kind: Namespace$' "$tmp/namespace.yaml" && sed -n '1,/^---$/p' "$tmp/$set.yaml" | cmp -s - "$tmp/namespace.yaml"; then
    ok "$set Namespace is the node DaemonSet's"
  else
    bad "$set Namespace differs from packaging/kubernetes's"
  fi
done
# Node alerts to the cluster sensor (sequences): the node DaemonSet with the component
# node-alerts (as its kustomization's comment says to enable it) posts with http_output, with a
# client certificate, to the alert intake that the cluster sensor's config, Deployment and
# Service expose; the default DaemonSet stays without http_output.
cp -r packaging/kubernetes "$tmp/k8s-node-alerts"
sed -i 's/^# components: \[node-alerts\]$/components: [node-alerts]/' "$tmp/k8s-node-alerts/kustomization.yaml"
kubectl kustomize "$tmp/k8s-node-alerts" > "$tmp/node-alerts.yaml"
if node "$tools_dir/validate-manifests.mjs" < "$tmp/node-alerts.yaml"; then ok "node-alerts manifests render and validate"; else bad "node-alerts manifests"; fi
if ! grep -q http_output "$tmp/rendered.yaml"; then ok "default DaemonSet has no http_output"; else bad "default DaemonSet has http_output"; fi
sed 's/sensor-alerts-client-ca/sensor-audit-client-ca/' "$tmp/cluster-sensor.yaml" > "$tmp/broken-cluster.yaml"
sed 's/svc:2801/svc:2802/' "$tmp/node-alerts.yaml" > "$tmp/broken-node.yaml"
if ! node "$tools_dir/check-node-alerts.mjs" "$tmp/broken-cluster.yaml" "$tmp/node-alerts.yaml" >/dev/null 2>&1 &&
   ! node "$tools_dir/check-node-alerts.mjs" "$tmp/cluster-sensor.yaml" "$tmp/broken-node.yaml" >/dev/null 2>&1 &&
   ! node "$tools_dir/check-node-alerts.mjs" "$tmp/cluster-sensor.yaml" "$tmp/rendered.yaml" >/dev/null 2>&1; then
  ok "node-alerts check flags a shared client CA, a wrong port and a DaemonSet without http_output"
else
  bad "node-alerts check accepted a broken wiring"
fi
if node "$tools_dir/check-node-alerts.mjs" "$tmp/cluster-sensor.yaml" "$tmp/node-alerts.yaml"; then ok "node alerts reach the cluster sensor's alert intake"; else bad "node alerts wiring"; fi
# The control-plane audit files.
audit=packaging/kubernetes/audit
sed 's/^rules:$/rules:\n  - level: RequestResponse/' "$audit/policy.yaml" > "$tmp/broken-policy.yaml"
if ! node "$tools_dir/check-audit-config.mjs" "$tmp/broken-policy.yaml" "$audit/webhook-kubeconfig.yaml" >/dev/null 2>&1; then ok "audit check flags a policy logging secret bodies"; else bad "audit check accepted a policy logging secret bodies"; fi
if node "$tools_dir/check-audit-config.mjs" "$audit/policy.yaml" "$audit/webhook-kubeconfig.yaml"; then ok "audit policy and webhook kubeconfig"; else bad "audit policy and webhook kubeconfig"; fi
# The rules as the pods mount them: defaults plus a ConfigMap directory (..data links).
for rules_cm in custom-rules.yaml cluster-sensor/audit-rules.yaml audit-log-follower/audit-rules.yaml; do
  cm="$tmp/rules.d-${rules_cm//\//-}"
  mkdir -p "$cm/..2026_01_01_00_00_00.1"
  cp "packaging/kubernetes/$rules_cm" "$cm/..2026_01_01_00_00_00.1/"
  ln -s ..2026_01_01_00_00_00.1 "$cm/..data"
  ln -s "..data/$(basename "$rules_cm")" "$cm/$(basename "$rules_cm")"
  if "$build/sensor" -r rules/ -r "$cm" >/dev/null; then ok "rules load from a ConfigMap directory ($rules_cm)"; else bad "ConfigMap rules ($rules_cm)"; fi
done
# The cluster sensor's rules (the image's rules/ and its ConfigMap): the audit rules and every
# sequence load, each `rule:` step naming a rule loaded there (no LOAD_UNKNOWN_SEQUENCE_RULE).
cm="$tmp/rules.d-cluster-sensor-audit-rules.yaml"
want=$(grep -c '^- sequence:' rules/60-sequences.yaml)
out=$("$build/sensor" -r rules/ -r "$cm" 2>&1 || true)
json=$("$build/sensor" -r rules/ -r "$cm" --output json 2>&1 || true)
if grep -q '^rules/50-k8s-audit.yaml: Ok$' <<<"$out" && grep -q '^rules/60-sequences.yaml: Ok$' <<<"$out" &&
   grep -q ", $want sequences$" <<<"$out" && ! grep -q LOAD_UNKNOWN_SEQUENCE_RULE <<<"$json"; then
  ok "cluster sensor loads 50-k8s-audit.yaml and the $want sequences of 60-sequences.yaml"
else
  bad "cluster sensor rules: $out"
fi
cp -r packaging/helm/sensor "$tmp/chart"
sed -i 's/\.Values\.image\.tag/.Values.image.tagg/' "$tmp/chart/templates/daemonset.yaml"
if ! node "$tools_dir/check-chart.mjs" "$tmp/chart" >/dev/null 2>&1; then ok "chart check flags an undefined value"; else bad "chart check accepted an undefined value"; fi
if node "$tools_dir/check-chart.mjs" packaging/helm/sensor; then ok "chart"; else bad "chart"; fi

echo "packaging: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
