#!/usr/bin/env bash
# Regenerates src/events/syscall_names.inc from the installed kernel headers (linux-libc-dev).
set -euo pipefail
out=${1:-src/events/syscall_names.inc}
{
  echo "// Generated from the x86_64 and generic (arm64) Linux syscall tables; names only."
  echo "// Regenerate with tools/gen_syscall_names.sh."
  { grep -oE '__NR_[a-z0-9_]+' /usr/include/x86_64-linux-gnu/asm/unistd_64.h
    grep -oE '__NR_[a-z0-9_]+' /usr/include/asm-generic/unistd.h | grep -vE '__NR_(syscalls|arch_specific_syscall)'
  } | sed 's/__NR_//' | sort -u | sed 's/.*/"&",/'
} > "$out"

# x86_64 syscall numbers, for the probe's in-kernel filter.
nums=${2:-src/events/syscall_numbers_x86_64.inc}
{
  echo "// Generated from /usr/include/x86_64-linux-gnu/asm/unistd_64.h by tools/gen_syscall_names.sh."
  grep -E '^#define __NR_[a-z0-9_]+ [0-9]+$' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
    awk '{ sub("__NR_", "", $2); printf "{\"%s\", %s},\n", $2, $3 }'
} > "$nums"
