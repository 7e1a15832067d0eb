#!/usr/bin/env bash
# Checks the command-line contract other tools rely on, against a built binary.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/sensor}
shared=${SENSOR_SHARED_DIR:-$(pwd)/../shared}
pass=0 fail=0
check() {  # name, expected exit code, expected output line (grep -x), command...
  local name=$1 want_rc=$2 want_line=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$want_rc" ]; then
    echo "FAIL $name: exit $rc, expected $want_rc"; echo "$out" | tail -n 20; fail=$((fail+1)); return
  fi
  # A line starting with "~" is matched as a substring of some line (log lines have a prefix).
  local how=-qxF
  if [ "${want_line:0:1}" = "~" ]; then how=-qF; want_line=${want_line:1}; fi
  if [ -n "$want_line" ] && ! grep $how -- "$want_line" <<<"$out"; then
    echo "FAIL $name: no line '$want_line'"; echo "$out" | tail -n 20; fail=$((fail+1)); return
  fi
  echo "ok   $name"; pass=$((pass+1))
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf -- '- rule: Bad\n  desc: d\n  condition: evt.type = open and proc.nme = x\n  output: o\n  priority: INFO\n' > "$tmp/bad.yaml"

check "stable rules validate" 0 "25 rules, 87 macros, 49 lists" "$bin" -r "$shared/rules/falco_rules.yaml"
check "incubating rules validate" 0 "31 rules, 82 macros, 54 lists" "$bin" -r "$shared/rules/falco-incubating_rules.yaml"
check "both files together" 0 "56 rules, 157 macros, 83 lists" "$bin" -r "$shared/rules/falco_rules.yaml" -r "$shared/rules/falco-incubating_rules.yaml"
check "-V is -r" 0 "25 rules, 87 macros, 49 lists" "$bin" -V "$shared/rules/falco_rules.yaml"
check "per-file Ok line" 0 "$shared/rules/falco_rules.yaml: Ok" "$bin" -r "$shared/rules/falco_rules.yaml"
check "broken rule is Invalid" 1 "$tmp/bad.yaml: Invalid" "$bin" -r "$tmp/bad.yaml"
check "broken rule names file:line:col" 1 "In rule 'Bad': ($tmp/bad.yaml:3:34)" "$bin" -r "$tmp/bad.yaml"
check "missing file" 1 "" "$bin" -r "$tmp/nope.yaml"
check "json report" 0 '  "ok": true,' "$bin" -r "$shared/rules/falco_rules.yaml" --output json
check "default rules validate" 0 "" "$bin" -r rules/
check "list rules" 0 "  event types: execve, execveat" "$bin" -L -r "$shared/rules/falco_rules.yaml"
check "list fields" 0 "" "$bin" --list
check "list fields per source" 0 "Event source: syscall" "$bin" --list
check "list one source's fields" 0 "Event source: syscall" "$bin" --list=syscall
check "list one source's fields, separate word" 0 "proc.name  (string)" "$bin" --list syscall
check "list an unknown source" 2 "sensor: unknown event source 'cloudtrail' (known: syscall, k8s_audit)" "$bin" --list=cloudtrail
check "list marks always-empty fields" 0 "k8s.deployment.name  (string) [always empty: needs the API server]" "$bin" --list=syscall
check "list the k8s_audit fields" 0 "Event source: k8s_audit" "$bin" --list=k8s_audit
check "k8s audit rules validate" 0 "48 rules, 45 macros, 18 lists" "$bin" -r "$shared/rules/k8s_audit_rules.yaml"
check "k8s audit rules beside the stable rules" 0 "73 rules, 132 macros, 67 lists" "$bin" -r "$shared/rules/falco_rules.yaml" -r "$shared/rules/k8s_audit_rules.yaml"
check "version lists the built-in plugins" 0 "~plugin k8saudit 0.18.0: built in" "$bin" --version
check "replay audit samples" 0 "~replayed 51 audit events from 127 payload(s)" "$bin" replay --audit "$shared/k8saudit-samples" -r "$shared/rules/k8s_audit_rules.yaml"
check "replay needs input" 106 "--events, --audit or --alerts is required" "$bin" replay -r "$shared/rules/k8s_audit_rules.yaml"
corr=tests/scenario/fixtures/correlation
check "sequences validate" 0 "0 rules, 0 macros, 0 lists, 1 sequences" "$bin" -r "$corr/sequences.yaml"
out=$("$bin" replay --alerts "$corr/alerts.jsonl" --audit "$corr/audit.log" -r "$corr/sequences.yaml" 2>/dev/null)
if [ "$(grep -c '"source":"correlation"' <<<"$out")" -eq 1 ] && grep -q 'shell in shop/web-1 (bash -i), then system:serviceaccount:shop:web get secrets db-password' <<<"$out" \
   && grep -q '"ref":"k8s_audit auditID match"' <<<"$out"; then
  echo "ok   replay joins recorded alerts and an audit log: one correlation alert"; pass=$((pass+1))
else
  echo "FAIL replay correlation: $out"; fail=$((fail+1))
fi
printf 'load_plugins: [cloudtrail]
plugins:
  - name: cloudtrail
    library_path: libcloudtrail.so
' > "$tmp/badplugin.yaml"
check "run an unknown plugin" 2 "~load_plugins: plugin 'cloudtrail' is not built into the sensor" "$bin" run -c "$tmp/badplugin.yaml"
printf 'load_plugins: [k8saudit]
plugins:
  - name: k8saudit
    init_config:
      sslCertficate: x
    open_params: http://127.0.0.1:0/
' > "$tmp/badinit.yaml"
check "run a bad init_config key" 2 "~unknown config key 'plugins[k8saudit].init_config.sslCertficate'" "$bin" run -c "$tmp/badinit.yaml"
printf 'load_plugins: [k8saudit]
plugins:
  - name: k8saudit
    open_parms: http://127.0.0.1:0/
' > "$tmp/badentry.yaml"
check "run a bad plugins entry key" 2 "~unknown or invalid config key 'plugins[k8saudit].open_parms'" "$bin" run -c "$tmp/badentry.yaml"
check "run --dry-run checks and exits" 0 "~dry run: the configuration, rules and 1 output(s) are valid; not capturing" "$bin" run --dry-run -r rules/
check "run --dry-run reports a bad output" 2 "~file_output: cannot open /nonexistent/dir/x" "$bin" run --dry-run -o file_output.enabled=true -o file_output.filename=/nonexistent/dir/x
check "run --dry-run reports bad rules" 1 "" "$bin" run --dry-run -r "$tmp/bad.yaml"
check "run an unknown source" 2 "~unknown event source 'k8s'" "$bin" run --disable-source k8s
check "run with no source" 2 "~no event source is enabled" "$bin" run --disable-source syscall
check "version" 0 "" "$bin" --version
check "replay stable fixtures" 0 "" "$bin" replay --events tests/scenario/fixtures/stable_rules.jsonl -r "$shared/rules/falco_rules.yaml"
n=$("$bin" replay --events tests/scenario/fixtures/stable_rules.jsonl -r "$shared/rules/falco_rules.yaml" | grep -c '"rule":')
if [ "$n" -gt 0 ]; then echo "ok   replay printed $n alerts"; pass=$((pass+1)); else echo "FAIL replay printed no alerts"; fail=$((fail+1)); fi
out=$("$bin" replay --events tests/scenario/fixtures/stable_rules.jsonl -r "$shared/rules/falco_rules.yaml")
if grep -q '"rule":"Read sensitive file untrusted"' <<<"$out" && grep -q '"fd.name":"/etc/shadow"' <<<"$out" \
   && grep -q '"priority":"Warning"' <<<"$out"; then
  echo "ok   replay alert carries rule, fields and priority"; pass=$((pass+1))
else
  echo "FAIL replay alert for /etc/shadow missing"; fail=$((fail+1))
fi
text=$("$bin" replay --events tests/scenario/fixtures/stable_rules.jsonl -r "$shared/rules/falco_rules.yaml" -o json_output=false | head -n 1)
if [[ "$text" =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}:\ (Emergency|Alert|Critical|Error|Warning|Notice|Informational|Debug)\  ]]; then
  echo "ok   replay text output"; pass=$((pass+1))
else
  echo "FAIL replay text output: $text"; fail=$((fail+1))
fi
check "replay bad option" 2 "" "$bin" replay --events tests/scenario/fixtures/stable_rules.jsonl -r "$shared/rules/falco_rules.yaml" -o bogus=1
check "run bad config key" 2 "sensor: unknown config key 'no_such.key'" "$bin" run -o no_such.key=1
check "run bad bool key" 2 "sensor: config key 'capture.exact_timestamps' expects true or false, got 'maybe'" "$bin" run -o capture.exact_timestamps=maybe
check "run bad http url" 2 "~error: http_output.url must start with http:// or https://: ftp://x" "$bin" run -o http_output.enabled=true -o http_output.url=ftp://x
printf 'rules:\n  - disable: Some rule\n' > "$tmp/badsel.yaml"
check "run bad rules selection" 2 "~config key 'rules' expects items like {disable: {rule: NAME}}" "$bin" run -c "$tmp/badsel.yaml"
check "run bad rules selection step" 2 "~'enable macro=x' must be" "$bin" run -o "rules=enable macro=x"
check "run http output without its module" 2 "~http_output: module sensor-http.so not loaded: /nonexistent/sensor-http.so (absent)" env SENSOR_MODULE_PATH=/nonexistent "$bin" run -o http_output.enabled=true -o http_output.url=http://127.0.0.1:9/
check "version lists the modules" 0 "~module sensor-cri.so: /" "$bin" --version
check "run bad http key" 2 "sensor: unknown config key 'http_output.timeout'" "$bin" run -o http_output.timeout=5
if [ "$(id -u)" -eq 0 ]; then
  # The live contract: "ready" on stderr once capturing, exit 0 with counts on SIGINT.
  err=$(timeout --preserve-status -s INT 6 "$bin" run -r rules/ 2>&1 >/dev/null); rc=$?
  if [ "$rc" -eq 0 ] && grep -q "ready" <<<"$err" && grep -q "stopped:" <<<"$err"; then
    echo "ok   run: ready, then a clean stop on SIGINT"; pass=$((pass+1))
  else
    echo "FAIL run: exit $rc"; echo "$err" | tail -n 5; fail=$((fail+1))
  fi
  # Falco's -M: a clean stop after the given seconds, without a signal.
  err=$(timeout 20 "$bin" run -M 1 -r rules/ 2>&1 >/dev/null); rc=$?
  if [ "$rc" -eq 0 ] && grep -q "stopping: -M 1 s elapsed" <<<"$err" && grep -q "stopped:" <<<"$err"; then
    echo "ok   run -M 1 stops by itself"; pass=$((pass+1))
  else
    echo "FAIL run -M: exit $rc"; echo "$err" | tail -n 5; fail=$((fail+1))
  fi
fi
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
