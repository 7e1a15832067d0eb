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
check "list marks fields not filled live" 0 "k8s.deployment.name  (string) [not filled live: needs the API server]" "$bin" --list=syscall
check "list the k8s_audit fields" 0 "Event source: k8s_audit" "$bin" --list=k8s_audit
check "list fields as Falco's markdown" 0 '`proc.pgid` | INT64 | process group id in the host pid namespace' "$bin" --list=syscall --format markdown
check "markdown has Falco's class headings" 0 "## Field Class: fs.path" "$bin" --list syscall --format markdown
check "--markdown is --format markdown" 0 "## Field Class: fdlist" "$bin" --list --markdown
check "--markdown and --format conflict" 2 "sensor: Cannot specify both --markdown and --format options together" "$bin" --list --markdown --format json
check "list fields as Falco's json" 0 '  "fieldclasses": [' "$bin" --list=syscall --format json
check "list field names only" 0 "fs.path.targetraw" "$bin" --list=syscall -N
check "list field names as json" 0 '    "evt.type.is",' "$bin" --list=syscall -N --format json
check "not-filled-live fields are marked" 0 "fdlist.nums  (string) [not filled live: the probe does not record poll's fd array]" "$bin" --list=syscall
check "k8s audit rules validate" 0 "48 rules, 45 macros, 18 lists" "$bin" -r "$shared/rules/k8s_audit_rules.yaml"
check "k8s audit rules beside the stable rules" 0 "73 rules, 132 macros, 67 lists" "$bin" -r "$shared/rules/falco_rules.yaml" -r "$shared/rules/k8s_audit_rules.yaml"
check "version lists the built-in plugins" 0 "~plugin k8saudit 0.18.0: built in" "$bin" --version
check "replay audit samples" 0 "~replayed 51 audit events from 127 payload(s)" "$bin" replay --audit "$shared/k8saudit-samples" -r "$shared/rules/k8s_audit_rules.yaml"
check "replay needs input" 106 "--events, --audit, --alerts or --capture is required" "$bin" replay -r "$shared/rules/k8s_audit_rules.yaml"
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
check "list events" 0 "< openat(fd **fd**, fd **dirfd**, fspath **name**, flags32 **flags**, mode **mode**)" "$bin" --list-events
check "list events json" 0 '~"dir": "<",' "$bin" --list-events --output json
check "support json" 0 "" "$bin" --support -r "$shared/rules/falco_rules.yaml"
if "$bin" --support -r "$shared/rules/falco_rules.yaml" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["rules_files"][0]["variants"][0]["content"].startswith("#"); assert d["system_info"]["sysname"] == "Linux"; assert "--support" in d["cmdline"]'; then
  echo "ok   support json has system, cmdline and rules contents"; pass=$((pass+1))
else
  echo "FAIL support json"; fail=$((fail+1))
fi
check "support with a bad override" 2 "~config key 'metrics.interval'" "$bin" --support -o metrics.interval=soon
check "run bad ops key" 2 "~config key 'base_syscalls.custom_set' expects a list of syscall names" "$bin" run --dry-run -o base_syscalls.custom_set=nosuchcall
check "run bad log level" 2 "~config key 'log_level' expects one of emergency" "$bin" run --dry-run -o log_level=loud
check "run --dry-run reports an unreadable webserver certificate" 2 "~webserver.ssl_certificate /nonexistent.pem" "$bin" run --dry-run -o webserver.enabled=true -o webserver.ssl_enabled=true -o webserver.ssl_certificate=/nonexistent.pem
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
check "run -o key syntax error" 2 "sensor: config key 'a..b': empty name at position 2" "$bin" run -o a..b=1
check "run -o YAML value" 2 "sensor: unknown config key 'append_output[].bogus'" "$bin" run -o 'append_output=[{bogus: 1}]'
check "run engine.kind replay" 2 "~config key 'engine.kind' is 'replay'" "$bin" run -o engine.kind=replay
check "run engine.kind nodriver: no syscall source" 2 "~no event source is enabled" "$bin" run --dry-run -r rules/ -o engine.kind=nodriver
check "run -U with --dry-run" 0 "~dry run:" "$bin" run -U --dry-run -r rules/ -o outputs_queue.capacity=0
check "run bad capture mode" 2 "sensor: config key 'capture.mode' expects rules or all_rules, got 'some'" "$bin" run -o capture.mode=some
check "run bad capture duration" 2 "sensor: config key 'capture.default_duration' expects a positive number of milliseconds, got '0'" "$bin" run -o capture.default_duration=0
check "run --capture-duration needs --capture" 107 "~--capture-duration requires --capture" "$bin" run --capture-duration 100
check "run --capture unwritable" 2 "~--capture /nonexistent/dir/x.cap: No such file or directory" "$bin" run --dry-run --capture /nonexistent/dir/x.cap
check "replay --capture not a capture" 2 "sensor: $tmp/bad.yaml: offset 0: not a sensor capture file (bad magic)" "$bin" replay --capture "$tmp/bad.yaml" -r rules/
check "replay --capture missing" 2 "sensor: $tmp/none.cap: cannot open capture file" "$bin" replay --capture "$tmp/none.cap" -r rules/
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
  # --capture: every record into a file for -M seconds; replay reads it back.
  err=$(timeout 20 "$bin" run -M 1 -r rules/ --capture "$tmp/run.cap" 2>&1 >/dev/null); rc=$?
  rerr=$("$bin" replay --capture "$tmp/run.cap" -r rules/ 2>&1 >/dev/null); rrc=$?
  if [ "$rc" -eq 0 ] && grep -q "capture files: 1 written" <<<"$err" && [ "$rrc" -eq 0 ] &&
     grep -q "(command line)" <<<"$rerr"; then
    echo "ok   run --capture -M 1 writes a file replay reads"; pass=$((pass+1))
  else
    echo "FAIL run --capture: exit $rc, replay $rrc"; echo "$err" | tail -n 3; echo "$rerr"; fail=$((fail+1))
  fi
fi
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
