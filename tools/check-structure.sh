#!/usr/bin/env bash
# Checks what the build cannot: the module layer order as written in CMakeLists.txt (the build
# enforces it with per-module include roots; this names the offending include), functions over
# 100 lines in decoding, state, rule loading and config handling, syscall names outside the
# syscall table, and broad kills (by name) in tests and tools.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import os, re, sys

problems = []
src = "src"
# The layers as CMakeLists.txt declares them: each sensor_library() call in order, with the
# modules it links (PUBLIC or PRIVATE); a module may include those and what they link.
cmake = open("CMakeLists.txt").read()
order, allowed = [], {}
for name, args in re.findall(r"^sensor_library\((\w+)([^)]*)\)", cmake, re.M | re.S):
    closure = set()
    for dep in re.findall(r"\bsensor_(\w+)", args):
        if dep in allowed:
            closure |= {dep} | allowed[dep]
    order.append(name)
    allowed[name] = closure
if "daemon" not in allowed:
    problems.append("CMakeLists.txt: no sensor_library() calls found")
for m in order:
    for root, _, files in os.walk(os.path.join(src, m)):
        for f in files:
            path = os.path.join(root, f)
            for n, text in enumerate(open(path, errors="replace"), 1):
                inc = re.match(r'#include "sensor/(\w+)/', text)
                if inc and inc.group(1) != m and inc.group(1) not in allowed[m]:
                    problems.append(f"{path}:{n}: module {m} includes {inc.group(1)}")

# Functions over 100 lines (clang-format puts a definition's closing brace in column 0).
checked = ["capture", "state", "rules", "events", "policy", "k8saudit", "audit_ingest", "correlate"]
config_files = ["src/daemon/run_config.cpp", "src/daemon/output_settings.cpp",
                "src/daemon/sink_keys.cpp"]
files = [os.path.join(r, f) for m in checked for r, _, fs in os.walk(os.path.join(src, m))
         for f in fs if f.endswith(".cpp")] + config_files
for path in files:
    lines = open(path).read().split("\n")
    start = None
    for i, text in enumerate(lines):
        if start is None and re.match(r"^[A-Za-z].*\)( const)?( noexcept)? \{$", text) and \
                not text.startswith(("namespace", "struct", "class", "enum")):
            start = i
        elif start is not None and text == "}":
            if i - start > 100:
                problems.append(f"{path}:{start + 1}: function of {i - start} lines")
            start = None

# Syscall names belong to the syscall table (src/events/syscall_table.cpp and the generated
# number and name lists); elsewhere in src/ they are derived from it.
names = set(re.findall(r'"(\w+)"', open("src/events/syscall_names.inc").read()))
table_files = {"src/events/syscall_table.cpp", "src/events/syscall_names.inc",
               "src/events/syscall_numbers_x86_64.inc", "src/events/syscall_numbers_arm64.inc",
               "src/events/event_types.cpp"}
# Words that are also fd kinds, exit actions, output names or JSON keys, not syscalls where
# they appear.
other_words = {"pipe", "signalfd", "bpf", "userfaultfd", "exit", "syslog", "time"}  # time: the alert JSON key
for root, _, fs in os.walk(src):
    for f in fs:
        path = os.path.join(root, f)
        if path in table_files or not f.endswith((".cpp", ".h")):
            continue
        for n, text in enumerate(open(path, errors="replace"), 1):
            code = text.split("//")[0]
            for lit in re.findall(r'"(\w+)"', code):
                if lit in names and lit not in other_words:
                    problems.append(f'{path}:{n}: syscall name "{lit}" outside the syscall table')

# Tests and tools stop only the processes they started, by pid.
for root in ["tests", "tools", "bench", ".ci"]:
    for r, _, fs in os.walk(root):
        for f in fs:
            path = os.path.join(r, f)
            if path == "tools/check-structure.sh":
                continue
            for n, text in enumerate(open(path, errors="replace"), 1):
                if re.search(r"\b(pkill|killall)\b|kill -9 -1\b|kill -- -1\b", text):
                    problems.append(f"{path}:{n}: kill by name or of every process")

for p in problems:
    print(p)
print(f"structure: {len(problems)} problems")
sys.exit(1 if problems else 0)
PY
