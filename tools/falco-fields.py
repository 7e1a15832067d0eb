#!/usr/bin/env python3
"""Generates tests/data/falco-0.44-fields.txt: every field of Falco 0.44's syscall source
(classes evt, evt for system calls, process, user, group, fd, fs.path, fdlist and the container
plugin's container class) as `name<TAB>TYPE<TAB>argument-form`.

Names and types come from Falco's documentation:
  https://github.com/falcosecurity/falco-website/blob/c47da4cbdcc014c44ddbefc26b4aab97431bb1b4/content/en/docs/reference/rules/supported-fields/supported-fields.md
  (commit c47da4cbdcc014c44ddbefc26b4aab97431bb1b4, "update supported fields for Falco 0.44.0").
The doc does not say which fields take an argument, so the argument forms come from the field
tables' flags in the libs Falco 0.44.1 ships (falcosecurity/libs tag 0.25.4,
userspace/libsinsp/sinsp_filtercheck_*.cpp) and, for the container class, from the container
plugin 0.7.0 (falcosecurity/plugins tag plugins/container/v0.7.0,
plugins/container/src/caps/extract/extract.cpp).

Argument forms: empty (none), `[N]` (index), `[KEY]` (string key), `[N|KEY]` (either),
`[ARG]` (a field-specific argument: evt.type.is.NAME, evt.rawarg.NAME, evt.abspath.src ...);
a trailing `?` marks an optional argument.

Usage: tools/falco-fields.py [--mirrors DIR] [--out FILE]
(DIR holds the read-only git mirrors falcosecurity+falco-website/repo, falcosecurity+libs/repo
and falcosecurity+plugins/repo; default /work/.mirror.)
"""
import argparse
import re
import subprocess
import sys

DOC_URL = ("https://github.com/falcosecurity/falco-website/blob/"
           "c47da4cbdcc014c44ddbefc26b4aab97431bb1b4/content/en/docs/reference/rules/"
           "supported-fields/supported-fields.md")
DOC_COMMIT = "c47da4cbdcc014c44ddbefc26b4aab97431bb1b4"
DOC_PATH = "content/en/docs/reference/rules/supported-fields/supported-fields.md"
LIBS_TAG = "0.25.4"
PLUGIN_TAG = "plugins/container/v0.7.0"
PLUGIN_PATH = "plugins/container/src/caps/extract/extract.cpp"

# The doc's field classes of the syscall source, and the container plugin's.
CLASSES = ["evt", "evt (for system calls)", "process", "user", "group", "fd", "fs.path",
           "fdlist", "container (plugin)"]


def git_show(repo, ref, path):
    return subprocess.run(["git", "-C", repo, "show", f"{ref}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def doc_fields(text):
    """(name, type) rows of the wanted classes, in the doc's order."""
    rows, cls = [], None
    for line in text.splitlines():
        m = re.match(r"### Field Class: (.*)$", line)
        if m:
            cls = m.group(1).strip()
            continue
        m = re.match(r"`([^`]+)` \| ([A-Z0-9()]+) \|", line)
        if m and cls in CLASSES:
            rows.append((m.group(1), m.group(2)))
    return rows


def form(required, index, key):
    if index and key:
        f = "[N|KEY]"
    elif index:
        f = "[N]"
    elif key:
        f = "[KEY]"
    else:
        f = "[ARG]"
    return f if required else f + "?"


def libs_forms(libs):
    """name -> argument form from the libs field tables' EPF_ flags."""
    out = {}
    files = subprocess.run(["git", "-C", libs, "ls-tree", "--name-only", LIBS_TAG,
                            "userspace/libsinsp/"], check=True, capture_output=True,
                           text=True).stdout.split()
    entry = re.compile(r"\{\s*(PT_\w+)\s*,\s*([^\"{}]*?)\s*,\s*(PF_\w+)\s*,\s*\"([^\"]+)\"",
                       re.S)
    for path in files:
        if not re.search(r"sinsp_filtercheck_\w+\.cpp$", path):
            continue
        for m in entry.finditer(git_show(libs, LIBS_TAG, path)):
            flags = m.group(2)
            required = "EPF_ARG_REQUIRED" in flags
            if not required and "EPF_ARG_ALLOWED" not in flags:
                out[m.group(4)] = ""
                continue
            out[m.group(4)] = form(required, "EPF_ARG_INDEX" in flags, "EPF_ARG_KEY" in flags)
    return out


def plugin_forms(plugins):
    """name -> argument form from the container plugin's field table."""
    text = git_show(plugins, PLUGIN_TAG, PLUGIN_PATH)
    args = {}
    for m in re.finditer(r"falcosecurity::field_arg (\w+);((?:\s*\1\.\w+ = \w+;)+)", text):
        a = dict(re.findall(r"\.(\w+) = (\w+);", m.group(2)))
        args[m.group(1)] = form(a.get("required") == "true", a.get("index") == "true",
                                a.get("key") == "true")
    out = {}
    for m in re.finditer(r"\{ft::FTYPE_\w+,\s*\"([^\"]+)\"(.*?)\}", text, re.S):
        tail = re.sub(r"\"(?:[^\"\\]|\\.)*\"", "", m.group(2))
        used = re.findall(r"\b(\w+_arg)\b", tail)
        out[m.group(1)] = args.get(used[-1], "") if used else ""
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", default="/work/.mirror")
    ap.add_argument("--out", default="tests/data/falco-0.44-fields.txt")
    o = ap.parse_args()
    site = f"{o.mirrors}/falcosecurity+falco-website/repo"
    libs = f"{o.mirrors}/falcosecurity+libs/repo"
    plugins = f"{o.mirrors}/falcosecurity+plugins/repo"
    rows = doc_fields(git_show(site, DOC_COMMIT, DOC_PATH))
    forms = libs_forms(libs)
    forms.update(plugin_forms(plugins))
    missing = [n for n, _ in rows if n not in forms]
    if missing:
        sys.exit("no argument flags found for: " + " ".join(missing))
    with open(o.out, "w") as f:
        f.write("# Falco 0.44 syscall-source fields (and the container plugin 0.7's).\n")
        f.write(f"# Generated by tools/falco-fields.py from {DOC_URL}\n")
        f.write(f"# (falco-website commit {DOC_COMMIT}); argument forms from falcosecurity/libs "
                f"{LIBS_TAG} and {PLUGIN_TAG}.\n")
        f.write("# name<TAB>type<TAB>argument form ([N] index, [KEY] key, [N|KEY] either, "
                "[ARG] field-specific; ? = optional)\n")
        for name, typ in rows:
            f.write(f"{name}\t{typ}\t{forms[name]}\n")
    print(f"{len(rows)} fields written to {o.out}")


if __name__ == "__main__":
    main()
